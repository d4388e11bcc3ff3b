using System.Text.Json.Nodes;
using Ranvier.Server.Http;

namespace Ranvier.Server.Services.Dehydration;

/// <summary>
/// The body of PUT /dehydrated_device (MSC3814), checked before anything is written: <c>device_id</c> (required, the
/// device's Curve25519 identity key by the MSC's rule, which the server does not need to check), <c>device_data</c>
/// (required object with a string <c>algorithm</c>), the optional <c>initial_device_display_name</c>, and
/// <c>device_keys</c>, required here (MSC3814 uploads device and keys together so that no dehydrated device lacks
/// keys); the key fields themselves are checked by <c>DeviceKeyService.ReadUploadAsync</c>.
/// </summary>
internal sealed record DehydratedDeviceRequest(string DeviceId, JsonObject DeviceData, string? DisplayName)
{
    public static DehydratedDeviceRequest Read(JsonObject body)
    {
        ArgumentNullException.ThrowIfNull(body);
        var deviceId = JsonFields.RequiredString(body, "device_id");
        if (deviceId.Length == 0)
        {
            throw MatrixError.InvalidParam("'device_id' must not be empty");
        }

        var deviceData = JsonFields.OptionalObject(body, "device_data") ?? throw MatrixError.MissingParam("'device_data' is required");
        JsonFields.RequiredString(deviceData, "algorithm");
        var displayName = JsonFields.OptionalString(body, "initial_device_display_name");
        if (body["device_keys"] is null)
        {
            throw MatrixError.MissingParam("'device_keys' is required: a dehydrated device needs keys to receive anything");
        }

        return new DehydratedDeviceRequest(deviceId, deviceData, displayName);
    }
}
