using System.Globalization;
using System.Text.Json.Nodes;
using Ranvier.Server.Http;
using Ranvier.Server.Services.Auth;
using Ranvier.Server.Services.DeviceKeys;
using Ranvier.Server.Services.Sync;
using Ranvier.Storage.E2ee;

namespace Ranvier.Server.Services.Dehydration;

/// <summary>
/// Dehydrated devices (MSC3814, as matrix-js-sdk 43 and the Rust crypto SDK use it): a device a client leaves on the
/// server so that others keep sending it room keys while none of the user's clients is online; a later client
/// rehydrates it from <c>device_data</c> (encrypted with a key in secret storage) and reads its to-device inbox. The
/// server stores <c>device_data</c> as given, keeps the device like any other (keys, to-device messages), and serves
/// its inbox in pages without consuming it.
/// </summary>
public sealed class DehydratedDeviceService(IDehydratedDeviceStore store, DeviceKeyService deviceKeys, StreamNotifier notifier)
{
    /// <summary>Messages per page of <c>/dehydrated_device/{deviceId}/events</c>, as /sync delivers to-device messages.</summary>
    public const int PageSize = 100;

    /// <summary>GET /dehydrated_device: <c>{device_id, device_data}</c>, or 404 M_NOT_FOUND.</summary>
    public async Task<JsonObject> GetAsync(RequestContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var device = await store.GetAsync(context.UserId, cancellationToken) ?? throw MatrixError.NotFound("No dehydrated device");
        return new JsonObject { ["device_id"] = device.DeviceId, ["device_data"] = StoredJson.Read(device.DeviceDataJson) };
    }

    /// <summary>
    /// PUT /dehydrated_device: validates the whole body, its keys as the keys of the new device included, then makes the
    /// device the user's dehydrated device (replacing any previous one) and stores its keys through
    /// <see cref="DeviceKeyService"/>, as POST /keys/upload would for that device. Returns <c>{device_id}</c>.
    /// </summary>
    public async Task<JsonObject> SetAsync(RequestContext context, JsonObject body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var request = DehydratedDeviceRequest.Read(body);
        var keys = await deviceKeys.ReadUploadAsync(context.UserId, request.DeviceId, body, cancellationToken);
        var result = await store.SetAsync(context.UserId, request.DeviceId, request.DisplayName, StoredJson.Write(request.DeviceData), cancellationToken);
        if (result.Status == DehydratedDeviceSetStatus.DeviceIdInUse)
        {
            throw MatrixError.InvalidParam("One of your devices already has this device ID");
        }

        notifier.Advance(result.StreamPosition!.Value);

        // A second write: the device row must exist before its keys. It can only fail when the same device is put again
        // with a one-time key ID it already has under other content, or when a concurrent request deleted the device.
        var stored = await deviceKeys.StoreUploadAsync(keys, cancellationToken);
        return stored.Outcome switch
        {
            DeviceKeyUploadOutcome.Stored => new JsonObject { ["device_id"] = request.DeviceId },
            DeviceKeyUploadOutcome.OneTimeKeyConflict => throw DeviceKeyService.OneTimeKeyConflict(stored),
            _ => throw MatrixError.NotFound("The dehydrated device was replaced or deleted meanwhile"),
        };
    }

    /// <summary>DELETE /dehydrated_device: <c>{device_id}</c> of the deleted device, or 404 M_NOT_FOUND.</summary>
    public async Task<JsonObject> DeleteAsync(RequestContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var (deviceId, position) = await store.DeleteAsync(context.UserId, cancellationToken) ?? throw MatrixError.NotFound("No dehydrated device");
        notifier.Advance(position);
        return new JsonObject { ["device_id"] = deviceId };
    }

    /// <summary>
    /// One page of the dehydrated device's to-device inbox after <paramref name="from"/> (a <c>next_batch</c> of an
    /// earlier page; null for the start). <paramref name="alwaysNextBatch"/> selects the older POST form of MSC3814,
    /// which always answers a <c>next_batch</c> and ends with an empty page; the GET form leaves <c>next_batch</c> out
    /// once nothing is left, which is how matrix-js-sdk 43 knows it is done. 403 M_FORBIDDEN when
    /// <paramref name="deviceId"/> is not the user's dehydrated device.
    /// </summary>
    public async Task<JsonObject> GetEventsAsync(RequestContext context, string deviceId, string? from, bool alwaysNextBatch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var after = ParseToken(from);
        var device = await store.GetAsync(context.UserId, cancellationToken);
        if (device is null || device.DeviceId != deviceId)
        {
            throw MatrixError.Forbidden("This is not your dehydrated device");
        }

        // One message more than a page tells whether another page follows, without a second query.
        var messages = await store.ReadInboxAsync(context.UserId, deviceId, after, PageSize + 1, cancellationToken);
        var page = messages.Take(PageSize).ToList();
        var events = new JsonArray();
        foreach (var message in page)
        {
            events.Add((JsonNode)new JsonObject { ["sender"] = message.Sender, ["type"] = message.Type, ["content"] = StoredJson.Read(message.ContentJson) });
        }

        var response = new JsonObject { ["events"] = events };
        var last = page.Count > 0 ? page[^1].MessageId : after;
        if (alwaysNextBatch || messages.Count > PageSize)
        {
            response["next_batch"] = last.ToString(CultureInfo.InvariantCulture);
        }

        return response;
    }

    /// <summary>A <c>next_batch</c> this service wrote: the last message ID of a page.</summary>
    private static long ParseToken(string? token)
    {
        if (string.IsNullOrEmpty(token))
        {
            return 0;
        }

        return long.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            ? id
            : throw MatrixError.InvalidParam("Unknown next_batch token");
    }
}
