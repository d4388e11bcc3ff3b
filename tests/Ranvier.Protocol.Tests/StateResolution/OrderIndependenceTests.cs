using System.Text.Json.Nodes;
using Ranvier.Protocol.Events;
using Ranvier.Protocol.Rooms;
using Ranvier.Protocol.StateResolution;
using static Ranvier.Protocol.Tests.StateResolution.RoomDag;

namespace Ranvier.Protocol.Tests.StateResolution;

/// <summary>
/// Property-style checks on seeded random rooms: the resolved state does not depend on the order of the input
/// states, on every algorithm; and a wide conflict resolves in one pass.
/// </summary>
public sealed class OrderIndependenceTests
{
    public static TheoryData<string, int> Cases()
    {
        var data = new TheoryData<string, int>();
        foreach (var version in new[] { "1", "2", "11", "12" })
        {
            for (var seed = 1; seed <= 12; seed++)
            {
                data.Add(version, seed);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Resolution_is_independent_of_the_order_of_the_input_states(string version, int seed)
    {
        var (room, heads) = RandomForks(RoomVersions.Find(version)!, new Random(seed), forks: 3, length: 8);
        var states = heads.Select(room.StateAfter).ToArray();

        var expected = room.ResolveSets(states);
        foreach (var order in Permutations(states))
        {
            room.ResolveSets(order).ShouldBe(expected, ignoreOrder: true);
        }
    }

    [Theory]
    [InlineData("11")]
    [InlineData("12")]
    public void Thousands_of_concurrent_joins_and_bans_resolve_together(string version)
    {
        var room = new RoomDag(RoomVersions.Find(version)!).WithInitialRoom();
        room.PowerLevels("P", Alice, Users((Alice, 100), (Bob, 50)), "IMZ");
        var previous = ("P", "P");
        for (var i = 0; i < 800; i++)
        {
            room.Member($"JA{i}", $"@a{i}:example.com", $"@a{i}:example.com", "join", previous.Item1);
            room.Member($"JB{i}", $"@b{i}:example.com", $"@b{i}:example.com", "join", previous.Item2);
            previous = ($"JA{i}", $"JB{i}");
        }

        // Bob's bans race Alice's demotion of Bob; the bans lose.
        for (var i = 0; i < 200; i++)
        {
            room.Member($"BAN{i}", Bob, $"@b{i}:example.com", "ban", previous.Item2);
            previous.Item2 = $"BAN{i}";
        }

        room.PowerLevels("DEMOTE", Alice, Users((Alice, 100), (Bob, 0)), previous.Item1);

        var state = room.Resolve("DEMOTE", previous.Item2);

        state[new StateKey(EventTypes.PowerLevels, "")].ShouldBe(Id("DEMOTE"));
        state[new StateKey(EventTypes.Member, "@a799:example.com")].ShouldBe(Id("JA799"));
        state[new StateKey(EventTypes.Member, "@b0:example.com")].ShouldBe(Id("JB0"));
        state[new StateKey(EventTypes.Member, "@b799:example.com")].ShouldBe(Id("JB799"));
    }

    // A room after the usual start, forked into branches of random actions by members with and without power.
    private static (RoomDag Room, string[] Heads) RandomForks(RoomVersion version, Random random, int forks, int length)
    {
        var room = new RoomDag(version).WithInitialRoom();
        room.PowerLevels("P0", Alice, Users((Alice, 100), (Bob, 50), (Charlie, 50)), "IMZ");
        string[] people = [Alice, Bob, Charlie, Zara];
        var heads = new string[forks];
        var n = 0;
        for (var f = 0; f < forks; f++)
        {
            var head = "P0";
            for (var i = 0; i < length; i++)
            {
                var name = $"E{n++}";
                var sender = people[random.Next(people.Length)];
                var other = people[random.Next(people.Length)];
                var ts = random.Next(5) == 0 ? 42 : (long?)null; // some timestamp ties
                switch (random.Next(6))
                {
                    case 0:
                        room.Add(name, sender, EventTypes.Topic, "", new() { ["topic"] = name }, [head], ts: ts);
                        break;
                    case 1:
                        var users = Users((Alice, 100), (Bob, random.Next(2) * 50), (Charlie, random.Next(3) * 25));
                        room.Add(name, sender, EventTypes.PowerLevels, "", new() { ["users"] = users }, [head], ts: ts);
                        break;
                    case 2:
                        room.Add(name, sender, EventTypes.Member, other, new() { ["membership"] = random.Next(2) == 0 ? "ban" : "leave" }, [head], ts: ts);
                        break;
                    case 3:
                        room.Add(name, other, EventTypes.Member, other, new() { ["membership"] = "join" }, [head], ts: ts);
                        break;
                    case 4:
                        room.Add(name, sender, EventTypes.JoinRules, "", new() { ["join_rule"] = random.Next(2) == 0 ? "public" : "invite" }, [head], ts: ts);
                        break;
                    default:
                        room.Add(name, sender, "m.room.name", "", new JsonObject { ["name"] = name }, [head], ts: ts);
                        break;
                }

                head = name;
            }

            heads[f] = head;
        }

        return (room, heads);
    }

    private static IEnumerable<T[]> Permutations<T>(T[] items)
    {
        if (items.Length <= 1)
        {
            yield return items;
            yield break;
        }

        for (var i = 0; i < items.Length; i++)
        {
            var rest = items.Where((_, j) => j != i).ToArray();
            foreach (var tail in Permutations(rest))
            {
                yield return [items[i], .. tail];
            }
        }
    }
}
