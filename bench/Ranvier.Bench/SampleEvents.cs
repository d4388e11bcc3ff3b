using System.Text.Json.Nodes;
using Ranvier.Protocol.Crypto;
using Ranvier.Protocol.Events;
using Ranvier.Protocol.Rooms;

namespace Ranvier.Bench;

/// <summary>Realistic inputs: a signed m.room.message and a power-levels event of a mid-sized room.</summary>
internal static class SampleEvents
{
    public static readonly SigningKey Key = SigningKey.Generate("bench");

    public static JsonObject Message()
    {
        var evt = new JsonObject
        {
            ["type"] = "m.room.message",
            ["room_id"] = "!" + new string('A', 43),
            ["sender"] = "@alice:example.org",
            ["content"] = new JsonObject
            {
                ["msgtype"] = "m.text",
                ["body"] = "Hello, world! Ünïcödé and a longer body so the event is of a typical size: " + new string('x', 200),
                ["m.mentions"] = new JsonObject { ["user_ids"] = new JsonArray("@bob:example.org") },
            },
            ["prev_events"] = new JsonArray("$" + new string('p', 43)),
            ["auth_events"] = new JsonArray("$" + new string('a', 43), "$" + new string('b', 43), "$" + new string('c', 43)),
            ["depth"] = 12345,
            ["origin_server_ts"] = 1700000000000,
            ["unsigned"] = new JsonObject { ["age"] = 12 },
        };
        EventSigning.HashAndSign(evt, RoomVersions.V12, "example.org", Key);
        return evt;
    }

    public static JsonObject PowerLevels(int users)
    {
        var userLevels = new JsonObject();
        for (var i = 0; i < users; i++)
        {
            userLevels[$"@user{i}:server{i % 17}.example.org"] = i % 3 == 0 ? 50 : 0;
        }

        return new JsonObject
        {
            ["type"] = "m.room.power_levels",
            ["state_key"] = "",
            ["room_id"] = "!" + new string('A', 43),
            ["sender"] = "@alice:example.org",
            ["content"] = new JsonObject { ["users"] = userLevels, ["events_default"] = 0, ["state_default"] = 50 },
            ["prev_events"] = new JsonArray("$" + new string('p', 43)),
            ["auth_events"] = new JsonArray("$" + new string('a', 43)),
            ["depth"] = 7,
            ["origin_server_ts"] = 1700000000000,
        };
    }
}
