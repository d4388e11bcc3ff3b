using System.Text.Json.Nodes;
using Ranvier.Protocol.Events;
using Ranvier.Protocol.Rooms;
using Ranvier.Protocol.StateResolution;

namespace Ranvier.Protocol.Tests.StateResolution;

/// <summary>The authorization rules the state-resolution tests run against.</summary>
internal static class TestAuth
{
    public static IStateResolutionAuth Rules { get; } = new StandInAuthRules();
}

/// <summary>
/// A reduced form of the authorization rules (membership transitions, power needed per event type, power-level
/// edits bounded by the sender's own power, v12 creators' infinite power), standing in until the real rules
/// from Auth/ are wired in. Enough to make the resolution scenarios meaningful, not a reference.
/// </summary>
internal sealed class StandInAuthRules : IStateResolutionAuth
{
    public bool IsAllowed(RoomVersion version, Pdu pdu, Func<StateKey, Pdu?> state)
    {
        if (pdu.Type == EventTypes.Create)
        {
            return true;
        }

        var create = state(new StateKey(EventTypes.Create, ""));
        if (create is null)
        {
            return false;
        }

        var senderPower = PowerOf(version, pdu.Sender, state);
        var senderMembership = MembershipOf(pdu.Sender, state);
        if (pdu.Type == EventTypes.Member)
        {
            var target = pdu.StateKey!;
            var targetMembership = MembershipOf(target, state);
            var pl = state(new StateKey(EventTypes.PowerLevels, ""));
            return Str(pdu.Content, "membership") switch
            {
                "join" when pdu.Sender != target => false,
                "join" when targetMembership == "ban" => false,
                "join" when targetMembership is null && pl is null && Creator(version, create) == pdu.Sender => true,
                "join" => JoinRule(state) == "public" || targetMembership is "invite" or "join",
                "invite" => senderMembership == "join" && targetMembership is not ("join" or "ban")
                    && senderPower >= Level(pl, "invite", 0),
                "leave" when pdu.Sender == target => targetMembership is "join" or "invite" or "knock",
                "leave" => senderMembership == "join"
                    && senderPower >= Level(pl, targetMembership == "ban" ? "ban" : "kick", 50)
                    && senderPower > PowerOf(version, target, state),
                "ban" => senderMembership == "join" && senderPower >= Level(pl, "ban", 50) && senderPower > PowerOf(version, target, state),
                _ => false,
            };
        }

        if (senderMembership != "join")
        {
            return false;
        }

        var powerLevels = state(new StateKey(EventTypes.PowerLevels, ""));
        if (senderPower < RequiredFor(pdu, powerLevels))
        {
            return false;
        }

        return pdu.Type != EventTypes.PowerLevels || UserEditsAllowed(powerLevels, pdu, senderPower);
    }

    public long SenderPowerLevel(RoomVersion version, Pdu pdu, Func<StateKey, Pdu?> authEvents) =>
        PowerOf(version, pdu.Sender, authEvents);

    private static long PowerOf(RoomVersion version, string user, Func<StateKey, Pdu?> state)
    {
        var create = state(new StateKey(EventTypes.Create, ""));
        if (version.PrivilegedCreators && create is not null && Creator(version, create) == user)
        {
            return long.MaxValue;
        }

        var pl = state(new StateKey(EventTypes.PowerLevels, ""));
        if (pl is null)
        {
            return create is not null && Creator(version, create) == user ? 100 : 0;
        }

        return (pl.Content["users"] as JsonObject)?[user]?.GetValue<int>() ?? Level(pl, "users_default", 0);
    }

    // Each changed entry of "users" must be at most the sender's power, and was below it unless it is the sender's.
    private static bool UserEditsAllowed(Pdu? current, Pdu proposed, long senderPower)
    {
        var before = current?.Content["users"] as JsonObject ?? [];
        var after = proposed.Content["users"] as JsonObject ?? [];
        foreach (var user in before.Select(p => p.Key).Union(after.Select(p => p.Key)))
        {
            var old = before[user]?.GetValue<int>();
            var now = after[user]?.GetValue<int>();
            if (old == now)
            {
                continue;
            }

            if ((now > senderPower) || (old is not null && user != proposed.Sender && old >= senderPower))
            {
                return false;
            }
        }

        return true;
    }

    private static long RequiredFor(Pdu pdu, Pdu? pl)
    {
        if (pl is null)
        {
            return 0;
        }

        return (pl.Content["events"] as JsonObject)?[pdu.Type]?.GetValue<int>() ?? Level(pl, pdu.IsState ? "state_default" : "events_default", pdu.IsState ? 50 : 0);
    }

    private static int Level(Pdu? pl, string key, int fallback) => pl?.Content[key]?.GetValue<int>() ?? fallback;

    private static string? Creator(RoomVersion version, Pdu create) =>
        version.ImplicitRoomCreator ? create.Sender : Str(create.Content, "creator");

    private static string? MembershipOf(string user, Func<StateKey, Pdu?> state) =>
        state(new StateKey(EventTypes.Member, user)) is { } member ? Str(member.Content, "membership") : null;

    private static string? JoinRule(Func<StateKey, Pdu?> state) =>
        state(new StateKey(EventTypes.JoinRules, "")) is { } rules ? Str(rules.Content, "join_rule") : null;

    private static string? Str(JsonObject obj, string key) => obj[key] is JsonValue v && v.TryGetValue(out string? s) ? s : null;
}