using System.IO.Pipelines;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Ranvier.Server.Services.Sync;

/// <summary>
/// Writes a <see cref="SyncResponse"/> as the spec's JSON (GET /sync, 200) straight into the response's pipe with one
/// <see cref="Utf8JsonWriter"/>: no intermediate document of the whole response and no copy of it. Empty parts are
/// left out, as the spec allows; a room's timeline, and <c>state_after</c> when asked for, are always written.
/// </summary>
public static class SyncResponseWriter
{
    /// <summary>
    /// Non-ASCII text is written as it is, not as \u escapes (as the other endpoints serve it): the body is only ever
    /// served as application/json, and is smaller for every script but Latin.
    /// </summary>
    public static JsonWriterOptions WriterOptions { get; } = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Writes the response into <paramref name="body"/> (the server's own buffers) and sends it.</summary>
    public static async Task WriteAsync(SyncResponse response, PipeWriter body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(response);
        ArgumentNullException.ThrowIfNull(body);
        using (var writer = new Utf8JsonWriter(body, WriterOptions))
        {
            Write(response, writer);
        }

        await body.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    public static void Write(SyncResponse response, Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(response);
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStartObject();
        writer.WriteString("next_batch", response.NextBatch.ToString());
        WriteRooms(response, writer);
        WriteEvents(writer, "presence", response.Presence);
        WriteEvents(writer, "account_data", response.AccountData);
        WriteEvents(writer, "to_device", response.ToDevice);
        if (response.DeviceListsChanged.Count > 0 || response.DeviceListsLeft.Count > 0)
        {
            writer.WriteStartObject("device_lists");
            WriteStrings(writer, "changed", response.DeviceListsChanged);
            WriteStrings(writer, "left", response.DeviceListsLeft);
            writer.WriteEndObject();
        }

        if (response.OneTimeKeysCount is { } counts)
        {
            writer.WriteStartObject("device_one_time_keys_count");
            foreach (var (algorithm, count) in counts)
            {
                writer.WriteNumber(algorithm, count);
            }

            writer.WriteEndObject();
        }

        if (response.UnusedFallbackKeyTypes is { } fallback)
        {
            writer.WriteStartArray("device_unused_fallback_key_types");
            foreach (var type in fallback)
            {
                writer.WriteStringValue(type);
            }

            writer.WriteEndArray();
        }

        writer.WriteEndObject();
    }

    private static void WriteRooms(SyncResponse response, Utf8JsonWriter writer)
    {
        if (response.Join.Count == 0 && response.Invite.Count == 0 && response.Knock.Count == 0 && response.Leave.Count == 0)
        {
            return;
        }

        writer.WriteStartObject("rooms");
        if (response.Join.Count > 0)
        {
            writer.WriteStartObject("join");
            foreach (var (roomId, room) in response.Join)
            {
                writer.WriteStartObject(roomId);
                WriteTimeline(writer, room.Timeline);
                WriteState(writer, room.State, room.StateAfter);
                WriteEvents(writer, "account_data", room.AccountData);
                WriteEvents(writer, "ephemeral", room.Ephemeral);
                WriteNode(writer, "summary", room.Summary);
                WriteNode(writer, "unread_notifications", room.UnreadNotifications);
                WriteNode(writer, "unread_thread_notifications", room.UnreadThreadNotifications);
                writer.WriteEndObject();
            }

            writer.WriteEndObject();
        }

        WriteStrippedRooms(writer, "invite", "invite_state", response.Invite);
        WriteStrippedRooms(writer, "knock", "knock_state", response.Knock);
        if (response.Leave.Count > 0)
        {
            writer.WriteStartObject("leave");
            foreach (var (roomId, room) in response.Leave)
            {
                writer.WriteStartObject(roomId);
                WriteTimeline(writer, room.Timeline);
                WriteState(writer, room.State, room.StateAfter);
                WriteEvents(writer, "account_data", room.AccountData);
                writer.WriteEndObject();
            }

            writer.WriteEndObject();
        }

        writer.WriteEndObject();
    }

    private static void WriteTimeline(Utf8JsonWriter writer, TimelineSync timeline)
    {
        writer.WriteStartObject("timeline");
        writer.WritePropertyName("events");
        timeline.Events.WriteTo(writer);
        writer.WriteBoolean("limited", timeline.Limited);
        if (timeline.PrevBatch is not null)
        {
            writer.WriteString("prev_batch", timeline.PrevBatch);
        }

        writer.WriteEndObject();
    }

    /// <summary><c>state_after</c> replaces <c>state</c> when the client asked for it, and is written even when empty (spec).</summary>
    private static void WriteState(Utf8JsonWriter writer, JsonArray state, JsonArray? stateAfter)
    {
        if (stateAfter is not null)
        {
            writer.WriteStartObject("state_after");
            writer.WritePropertyName("events");
            stateAfter.WriteTo(writer);
            writer.WriteEndObject();
        }
        else
        {
            WriteEvents(writer, "state", state);
        }
    }

    private static void WriteStrippedRooms(Utf8JsonWriter writer, string section, string stateName, Dictionary<string, JsonArray> rooms)
    {
        if (rooms.Count == 0)
        {
            return;
        }

        writer.WriteStartObject(section);
        foreach (var (roomId, events) in rooms)
        {
            writer.WriteStartObject(roomId);
            WriteEvents(writer, stateName, events);
            writer.WriteEndObject();
        }

        writer.WriteEndObject();
    }

    private static void WriteEvents(Utf8JsonWriter writer, string name, JsonArray events)
    {
        if (events.Count == 0)
        {
            return;
        }

        writer.WriteStartObject(name);
        writer.WritePropertyName("events");
        events.WriteTo(writer);
        writer.WriteEndObject();
    }

    private static void WriteStrings(Utf8JsonWriter writer, string name, SortedSet<string> values)
    {
        writer.WriteStartArray(name);
        foreach (var value in values)
        {
            writer.WriteStringValue(value);
        }

        writer.WriteEndArray();
    }

    private static void WriteNode(Utf8JsonWriter writer, string name, JsonObject? node)
    {
        if (node is null)
        {
            return;
        }

        writer.WritePropertyName(name);
        node.WriteTo(writer);
    }
}
