using System.Text.Json;
using System.Text.Json.Nodes;
using Ranvier.Protocol.Push;
using Ranvier.Storage.Push;
using Ranvier.Storage.Rooms;

namespace Ranvier.Server.Services.Push;

/// <summary>
/// Builds the body of POST /_matrix/push/v1/notify (spec: push gateway API, push_notifier.yaml) for one pusher and
/// one event: every event-related field by default, only <c>event_id</c>, <c>room_id</c>, <c>counts</c> and
/// <c>devices</c> for the <c>event_id_only</c> format ("Homeserver behaviour").
/// </summary>
public sealed class PushNotificationBuilder(IRoomEventStore rooms)
{
    private static readonly StateKey RoomName = new("m.room.name", "");
    private static readonly StateKey CanonicalAlias = new("m.room.canonical_alias", "");

    /// <summary>The request body, or null when the event is no longer stored (there is nothing to say about it).</summary>
    public async Task<JsonObject?> BuildAsync(PusherState pusher, PushActionRecord push, long unread, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pusher);
        ArgumentNullException.ThrowIfNull(push);
        var stored = await rooms.GetEventAsync(push.EventId, cancellationToken);
        if (stored is null)
        {
            return null;
        }

        var data = JsonNode.Parse(pusher.Pusher.DataJson) as JsonObject ?? [];
        var tweaks = Tweaks(push.ActionsJson);
        var notification = new JsonObject
        {
            ["event_id"] = push.EventId,
            ["room_id"] = push.RoomId,
        };
        if (data["format"] is not JsonValue format || format.GetValueKind() != JsonValueKind.String || format.GetValue<string>() != PusherRequest.EventIdOnlyFormat)
        {
            await AddEventFieldsAsync(notification, stored, pusher.Pusher.UserId, tweaks, cancellationToken);
        }

        // "Counts whose value is zero should be omitted." missed_calls is not counted.
        var counts = new JsonObject();
        if (unread > 0)
        {
            counts["unread"] = unread;
        }

        notification["counts"] = counts;
        // data goes to the gateway whole, custom keys and format included, only url left out (pusher.yaml, data).
        data.Remove("url");
        notification["devices"] = new JsonArray(
            new JsonObject
            {
                ["app_id"] = pusher.Pusher.AppId,
                ["pushkey"] = pusher.Pusher.Pushkey,
                ["pushkey_ts"] = pusher.Pusher.CreatedTs / 1000,
                ["data"] = data,
                ["tweaks"] = tweaks,
            });
        return new JsonObject { ["notification"] = notification };
    }

    /// <summary>
    /// The <c>set_tweak</c> actions as the <c>tweaks</c> object; a <c>highlight</c> tweak without a value is true
    /// (spec: "Tweaks"). Other tweaks without a value say nothing and are left out.
    /// </summary>
    public static JsonObject Tweaks(string actionsJson)
    {
        var tweaks = new JsonObject();
        IReadOnlyList<PushAction> parsed;
        try
        {
            parsed = JsonNode.Parse(actionsJson) is JsonArray actions ? PushAction.ParseList(actions) : [];
        }
        catch (Exception e) when (e is JsonException or PushRuleFormatException)
        {
            // Stored actions came from a rule that parsed once; if they do not now, the push goes without tweaks.
            return tweaks;
        }

        foreach (var tweak in parsed.OfType<SetTweakAction>())
        {
            if (tweak.Value is { } value)
            {
                tweaks[tweak.Tweak] = value.DeepClone();
            }
            else if (tweak.Tweak == SetTweakAction.Highlight)
            {
                tweaks[tweak.Tweak] = true;
            }
        }

        return tweaks;
    }

    /// <summary>
    /// "high" when the notification should reach the user now: it makes a sound or highlights, or it is encrypted (the
    /// server cannot tell what it says, so it does not hold it back). Everything else is "low".
    /// </summary>
    public static string Priority(string eventType, JsonObject tweaks)
    {
        ArgumentNullException.ThrowIfNull(tweaks);
        var highlight = tweaks[SetTweakAction.Highlight] is JsonValue h && h.GetValueKind() == JsonValueKind.True;
        return highlight || tweaks.ContainsKey(SetTweakAction.Sound) || eventType == "m.room.encrypted" ? "high" : "low";
    }

    private async Task AddEventFieldsAsync(JsonObject notification, StoredEvent stored, string userId, JsonObject tweaks, CancellationToken cancellationToken)
    {
        var pdu = JsonNode.Parse(stored.Json.Span) as JsonObject ?? [];
        var senderMember = new StateKey("m.room.member", stored.Sender);
        var state = await rooms.GetCurrentStateEventsAsync(stored.RoomId, [RoomName, CanonicalAlias, senderMember], cancellationToken);
        notification["type"] = stored.Type;
        notification["sender"] = stored.Sender;
        if (ContentString(state, senderMember, "displayname") is { } displayName)
        {
            notification["sender_display_name"] = displayName;
        }

        if (ContentString(state, RoomName, "name") is { Length: > 0 } roomName)
        {
            notification["room_name"] = roomName;
        }

        if (ContentString(state, CanonicalAlias, "alias") is { } alias)
        {
            notification["room_alias"] = alias;
        }

        if (stored.Type == "m.room.member")
        {
            notification["user_is_target"] = stored.StateKey == userId;
        }

        notification["prio"] = Priority(stored.Type, tweaks);
        if (pdu["content"] is JsonObject { Count: > 0 } content)
        {
            notification["content"] = content.DeepClone();
        }
    }

    private static string? ContentString(IReadOnlyDictionary<StateKey, StoredEvent> state, StateKey key, string field) =>
        state.TryGetValue(key, out var stateEvent)
        && JsonNode.Parse(stateEvent.Json.Span) is JsonObject pdu
        && pdu["content"]?[field] is JsonValue value
        && value.GetValueKind() == JsonValueKind.String
            ? value.GetValue<string>()
            : null;
}
