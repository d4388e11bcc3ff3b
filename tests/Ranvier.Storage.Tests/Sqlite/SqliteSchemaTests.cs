using Microsoft.Data.Sqlite;
using Ranvier.Storage.Rooms;
using Ranvier.Storage.Testing;
using Ranvier.Storage.Tests.Engines;
using static Ranvier.Storage.Tests.Rooms.RoomEvents;

namespace Ranvier.Storage.Tests.Sqlite;

/// <summary>What the SQLite tables hold, where the store's interface does not show it.</summary>
public sealed class SqliteSchemaTests
{
    private const string RoomId = "!room:test";

    [Fact]
    public async Task Edges_are_stored_by_nid_and_a_missing_target_is_resolved_when_it_arrives()
    {
        await using var engine = new SqliteStoreEngine();
        await using var store = await engine.OpenSqliteAsync();
        var room = new LinearRoom(store.Rooms, RoomId);
        var (create, created) = await room.SendAsync("m.room.create", "");

        var child = LinearRoom.BuildPdu(RoomId, "$child", "m.room.message", null, [create, "$gap"], [create], 3);
        var stored = await store.Rooms.PersistEventAsync(Accepted(child, new StateInput.Full(State(("m.room.create", "", create)))));
        using var db = engine.OpenRaw();
        Edges(db, stored.EventNid).ShouldBe([(0, created.EventNid, null), (0, null, "$gap"), (1, created.EventNid, null)]);

        var gap = await store.Rooms.PersistEventAsync(Accepted(Pdu(RoomId, "$gap", "m.room.message", null, [create], 2), StateInput.After(create)));

        Edges(db, stored.EventNid).ShouldBe([(0, created.EventNid, null), (0, gap.EventNid, null), (1, created.EventNid, null)]);
    }

    [Fact]
    public async Task Event_JSON_given_as_UTF_8_bytes_is_stored_as_text_that_SQL_JSON_functions_read()
    {
        await using var engine = new SqliteStoreEngine();
        await using var store = await engine.OpenSqliteAsync();
        var room = new LinearRoom(store.Rooms, RoomId);
        var (create, _) = await room.SendAsync("m.room.create", "");

        using var db = engine.OpenRaw();
        db.Scalar("SELECT typeof(json) FROM event_json").ShouldBe("text");
        db.Scalar("SELECT json_extract(json, '$.type') FROM event_json").ShouldBe("m.room.create");
        var stored = (await store.Rooms.GetEventAsync(create)).ShouldNotBeNull();
        System.Text.Json.JsonDocument.Parse(stored.Json).RootElement.GetProperty("type").GetString().ShouldBe("m.room.create");
    }

    [Fact]
    public async Task Edges_are_indexed_only_where_they_wait_for_a_missing_event()
    {
        // Version 23 dropped the two edge indexes no query reads: each new event wrote to both.
        await using var engine = new SqliteStoreEngine();
        await using var store = await engine.OpenSqliteAsync();
        using var db = engine.OpenRaw();
        using var command = db.CreateCommand();
        command.CommandText = "SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'event_edges' ORDER BY name";
        using var reader = command.ExecuteReader();
        var names = new List<string>();
        while (reader.Read())
        {
            names.Add(reader.GetString(0));
        }

        names.ShouldBe(["event_edges_missing"]);
    }

    [Fact]
    public async Task State_delta_chains_stay_within_the_bound_by_writing_snapshots()
    {
        await using var engine = new SqliteStoreEngine();
        await using var store = await engine.OpenSqliteAsync();
        var room = new LinearRoom(store.Rooms, RoomId);
        await room.SendAsync("m.room.create", "");
        for (var i = 0; i < 20; i++)
        {
            await room.SendAsync("m.room.member", $"@user{i}:test");
        }

        using var db = engine.OpenRaw();
        db.ScalarInt64("SELECT max(chain_length) FROM state_groups").ShouldBe(StoreEngine.TestMaxStateChainLength);
        db.ScalarInt64("SELECT count(*) FROM state_groups WHERE prev_group IS NULL").ShouldBeGreaterThan(2);
        // A snapshot holds the whole state at its point: the last one has the create event and at least 17 members.
        db.ScalarInt64("SELECT count(*) FROM state_group_entries WHERE group_nid = (SELECT max(group_nid) FROM state_groups WHERE prev_group IS NULL)")
            .ShouldBeGreaterThanOrEqualTo(18);
    }

    private static List<(long Kind, long? Target, string? Missing)> Edges(SqliteConnection db, long eventNid)
    {
        using var command = db.CreateCommand();
        command.CommandText = "SELECT kind, target_nid, missing_event_id FROM event_edges WHERE event_nid = @n ORDER BY kind, rowid";
        command.Parameters.AddWithValue("@n", eventNid);
        using var reader = command.ExecuteReader();
        var edges = new List<(long, long?, string?)>();
        while (reader.Read())
        {
            edges.Add((reader.GetInt64(0), reader.IsDBNull(1) ? null : reader.GetInt64(1), reader.IsDBNull(2) ? null : reader.GetString(2)));
        }

        return edges;
    }
}
