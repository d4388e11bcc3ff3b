using Ranvier.Storage.Rooms;
using Ranvier.Storage.Sqlite;
using Ranvier.Storage.Testing;
using Ranvier.Storage.Tests.Engines;

namespace Ranvier.Storage.Tests.Sqlite;

/// <summary>
/// <see cref="SqliteRecentEvents"/>: the rooms' latest events kept in memory answer a sync timeline exactly as the
/// database does, or not at all.
/// </summary>
public sealed class RecentEventsTests
{
    [Fact]
    public async Task Timelines_read_from_the_recent_events_equal_those_read_from_the_database()
    {
        await using var engine = new SqliteStoreEngine();
        var rooms = new[] { "!one:test", "!two:test" };
        var windows = new List<(string Room, long After, long Upto, int Limit)>();
        var fromMemory = new List<IReadOnlyList<StoredEvent>>();
        await using (var store = await engine.OpenSqliteAsync())
        {
            // Two rooms written in turn, more events each than a tail keeps, so windows start inside and before it.
            var linear = rooms.Select(r => new LinearRoom(store.Rooms, r)).ToList();
            foreach (var room in linear)
            {
                await room.SendAsync("m.room.create", "");
            }

            long last = 0;
            for (var i = 0; i < 45; i++)
            {
                foreach (var room in linear)
                {
                    last = (await room.SendAsync("m.room.message")).Persisted.StreamPosition!.Value;
                }
            }

            foreach (var room in rooms)
            {
                foreach (var after in new long[] { 0, 10, last - 70, last - 40, last - 3, last - 1, last })
                {
                    foreach (var upto in new[] { last, last - 1, last - 20 })
                    {
                        foreach (var limit in new[] { 1, 10, 20, 40, 100 })
                        {
                            windows.Add((room, after, upto, limit));
                            fromMemory.Add(await store.Rooms.GetLatestRoomEventsAsync(room, after, upto, limit));
                        }
                    }
                }
            }
        }

        // A store opened afresh has no recent events: it answers every window from the database.
        await using var reopened = await engine.OpenSqliteAsync();
        for (var i = 0; i < windows.Count; i++)
        {
            var (room, after, upto, limit) = windows[i];
            var fromDatabase = await reopened.Rooms.GetLatestRoomEventsAsync(room, after, upto, limit);
            fromMemory[i].ShouldBe(fromDatabase, $"{room} ({after}, {upto}] limit {limit}");
        }
    }

    [Fact]
    public async Task Events_looked_up_by_ID_from_the_recent_events_equal_those_read_from_the_database()
    {
        await using var engine = new SqliteStoreEngine();
        List<string> ids;
        IReadOnlyList<StoredEvent> fromMemory;
        var single = new List<StoredEvent?>();
        await using (var store = await engine.OpenSqliteAsync())
        {
            // More events than a tail keeps: the first ones are read from the database, the latest from memory.
            var room = new LinearRoom(store.Rooms, "!byid:test");
            await room.SendAsync("m.room.create", "");
            for (var i = 0; i < 40; i++)
            {
                await room.SendAsync("m.room.message");
            }

            ids = [room.EventIds[^1], room.EventIds[1], "$unknown", room.EventIds[^2], room.EventIds[0]];
            fromMemory = await store.Rooms.GetEventsByIdAsync(ids);
            foreach (var id in ids)
            {
                single.Add(await store.Rooms.GetEventAsync(id));
            }

            (await store.Rooms.GetEventsByIdAsync([room.EventIds[^1], room.EventIds[^3]])).Select(e => e.EventId)
                .ShouldBe([room.EventIds[^1], room.EventIds[^3]], "all kept: answered in the order asked");
        }

        await using var reopened = await engine.OpenSqliteAsync();
        fromMemory.ShouldBe(await reopened.Rooms.GetEventsByIdAsync(ids));
        fromMemory.Select(e => e.EventId).ShouldBe([ids[0], ids[1], ids[3], ids[4]]);
        for (var i = 0; i < ids.Count; i++)
        {
            single[i].ShouldBe(await reopened.Rooms.GetEventAsync(ids[i]), ids[i]);
        }
    }

    [Fact]
    public void A_tail_answers_windows_it_covers_and_declines_the_others()
    {
        var recent = new SqliteRecentEvents(eventsPerRoom: 4, rooms: 8);
        recent.TryGetLatest("!a:test", 0, 100, 10, out _).ShouldBeFalse("nothing was written to the room");

        foreach (var position in new long[] { 11, 13, 14, 17, 20, 21 })
        {
            recent.Committed(Event("!a:test", position), annotated: false);
        }

        // It keeps 14, 17, 20 and 21, and so covers what follows 13.
        Positions(recent, "!a:test", 13, 21, 10).ShouldBe([21, 20, 17, 14]);
        Positions(recent, "!a:test", 14, 20, 10).ShouldBe([20, 17]);
        Positions(recent, "!a:test", 0, 21, 2).ShouldBe([21, 20], "the page is full before the window leaves the tail");
        recent.TryGetLatest("!a:test", 12, 21, 10, out _).ShouldBeFalse("13 may be missing");
        recent.TryGetLatest("!a:test", 0, 17, 3, out _).ShouldBeFalse("only 17 and 14 are known up to 17");
        Positions(recent, "!a:test", 21, 30, 10).ShouldBe([]);
    }

    [Fact]
    public void The_room_written_to_least_recently_makes_way_and_clearing_forgets_all()
    {
        var recent = new SqliteRecentEvents(eventsPerRoom: 4, rooms: 2);
        recent.Committed(Event("!a:test", 1), annotated: false);
        recent.Committed(Event("!b:test", 2), annotated: false);
        recent.Committed(Event("!a:test", 3), annotated: false);
        recent.Committed(Event("!c:test", 4), annotated: false);

        recent.TryGetLatest("!b:test", 1, 4, 10, out _).ShouldBeFalse();
        Positions(recent, "!a:test", 0, 4, 10).ShouldBe([3, 1]);
        Positions(recent, "!c:test", 3, 4, 10).ShouldBe([4]);

        recent.Clear();
        recent.TryGetLatest("!a:test", 0, 4, 10, out _).ShouldBeFalse();
        recent.Committed(Event("!a:test", 5), annotated: false);
        Positions(recent, "!a:test", 4, 5, 10).ShouldBe([5]);
        recent.TryGetLatest("!a:test", 2, 5, 10, out _).ShouldBeFalse("3 was forgotten");
    }

    [Fact]
    public void Kept_events_never_annotated_need_no_lookup_of_redactions_or_relations()
    {
        var recent = new SqliteRecentEvents(eventsPerRoom: 3, rooms: 8);
        recent.Committed(Event("!a:test", 1), annotated: false);
        recent.Committed(Event("!a:test", 2), annotated: true);
        recent.Committed(Event("!a:test", 3), annotated: false);
        recent.Committed(Event("!a:test", 4), annotated: false);

        // $e1 left the tail, $e2 had annotations when written, $e9 was never kept.
        recent.MayBeAnnotated(["$e1", "$e2", "$e3", "$e4", "$e9"]).ShouldBe(["$e1", "$e2", "$e9"]);
        recent.MayBeAnnotated(["$e3", "$e4"]).ShouldBeEmpty();

        recent.Annotated(new Annotations(Redacts: "$e3", RelatesTo: null));
        recent.Annotated(new Annotations(Redacts: null, RelatesTo: "$e9"));
        recent.MayBeAnnotated(["$e3", "$e4"]).ShouldBe(["$e3"]);

        recent.Clear();
        recent.MayBeAnnotated(["$e4"]).ShouldBe(["$e4"], "a forgotten event may be annotated");
    }

    [Fact]
    public async Task The_writer_runs_the_commit_hook_of_each_item_that_committed_before_its_caller_resumes()
    {
        await using var engine = new SqliteStoreEngine();
        await using var store = await engine.OpenSqliteAsync();
        var seen = new List<int>();

        var ok = await store.Writes.ExecuteAsync(_ => 7, seen.Add);
        seen.ShouldBe([ok]);

        await Should.ThrowAsync<InvalidOperationException>(store.Writes.ExecuteAsync<int>(
            _ => throw new InvalidOperationException("the work failed"), seen.Add));
        seen.ShouldBe([7], "a failed item commits nothing");
    }

    private static long[] Positions(SqliteRecentEvents recent, string roomId, long after, long upto, int limit)
    {
        recent.TryGetLatest(roomId, after, upto, limit, out var events).ShouldBeTrue($"({after}, {upto}] limit {limit}");
        return [.. events.Select(e => e.StreamPosition!.Value)];
    }

    private static StoredEvent Event(string roomId, long position) => new(
        position, $"$e{position}", roomId, "m.room.message", null, "@u:test", position, 0, EventStatus.Accepted, position, "{}"u8.ToArray());
}
