using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ranvier.Server.Http;

namespace Ranvier.Server.Services.Push;

/// <summary>
/// A validated body of POST /pushers/set (spec: client-server API, pusher.yaml). <see cref="Kind"/> null asks for
/// the pusher to be deleted, and then only <see cref="AppId"/> and <see cref="Pushkey"/> are meaningful.
/// </summary>
public sealed record PusherRequest(
    string? Kind,
    string AppId,
    string Pushkey,
    bool Append,
    string AppDisplayName,
    string DeviceDisplayName,
    string? ProfileTag,
    string Lang,
    JsonObject Data,
    Uri? Url)
{
    /// <summary>The only pusher kind this server delivers: HTTP pokes to a push gateway.</summary>
    public const string HttpKind = "http";

    /// <summary>The one <c>data.format</c> the spec defines.</summary>
    public const string EventIdOnlyFormat = "event_id_only";

    /// <summary>The fixed path of a push gateway's notify endpoint (spec: push gateway API; pusher.yaml, <c>data.url</c>).</summary>
    public const string NotifyPath = "/_matrix/push/v1/notify";

    /// <summary>pusher.yaml: app_id "Max length, 64 chars".</summary>
    public const int MaxAppIdChars = 64;

    /// <summary>pusher.yaml: pushkey "Max length, 512 bytes".</summary>
    public const int MaxPushkeyBytes = 512;

    /// <summary>
    /// Validates <paramref name="body"/>: a missing field is 400 M_MISSING_PARAM, a field of the wrong JSON type 400
    /// M_BAD_JSON, a value out of bounds or of a kind this server does not deliver 400 M_INVALID_PARAM.
    /// </summary>
    public static PusherRequest Parse(JsonObject body)
    {
        ArgumentNullException.ThrowIfNull(body);
        if (!body.TryGetPropertyValue("kind", out var kindNode))
        {
            throw MatrixError.MissingParam("'kind' is required (null deletes the pusher)");
        }

        var kind = kindNode switch
        {
            null => null,
            JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
            _ => throw MatrixError.BadJson("'kind' must be a string or null"),
        };
        var appId = JsonFields.RequiredString(body, "app_id");
        var pushkey = JsonFields.RequiredString(body, "pushkey");
        var append = JsonFields.OptionalBool(body, "append");
        if (appId.Length == 0 || appId.EnumerateRunes().Count() > MaxAppIdChars)
        {
            throw MatrixError.InvalidParam($"'app_id' must be 1 to {MaxAppIdChars} characters");
        }

        if (pushkey.Length == 0 || Encoding.UTF8.GetByteCount(pushkey) > MaxPushkeyBytes)
        {
            throw MatrixError.InvalidParam($"'pushkey' must be 1 to {MaxPushkeyBytes} bytes");
        }

        if (kind is null)
        {
            return new PusherRequest(null, appId, pushkey, append, "", "", null, "", [], null);
        }

        var appDisplayName = JsonFields.OptionalString(body, "app_display_name");
        var deviceDisplayName = JsonFields.OptionalString(body, "device_display_name");
        var lang = JsonFields.OptionalString(body, "lang");
        var data = JsonFields.OptionalObject(body, "data");
        var profileTag = JsonFields.OptionalString(body, "profile_tag");
        string[] missing =
        [
            .. appDisplayName is null ? ["app_display_name"] : Array.Empty<string>(),
            .. deviceDisplayName is null ? ["device_display_name"] : Array.Empty<string>(),
            .. lang is null ? ["lang"] : Array.Empty<string>(),
            .. data is null ? ["data"] : Array.Empty<string>(),
        ];
        if (missing.Length > 0)
        {
            throw MatrixError.MissingParam("Missing parameters: " + string.Join(", ", missing));
        }

        if (kind != HttpKind)
        {
            // "email" pushers need an email sender, which this server does not have.
            throw MatrixError.InvalidParam($"Pushers of kind '{kind}' are not supported; use 'http'");
        }

        var url = ParseUrl(data!);
        var format = JsonFields.OptionalString(data!, "format");
        if (format is not (null or EventIdOnlyFormat))
        {
            throw MatrixError.InvalidParam($"'data.format' must be '{EventIdOnlyFormat}' or absent");
        }

        return new PusherRequest(kind, appId, pushkey, append, appDisplayName!, deviceDisplayName!, profileTag, lang!, (JsonObject)data!.DeepClone(), url);
    }

    /// <summary>
    /// <c>data.url</c>: an absolute http or https URL whose path is <see cref="NotifyPath"/> (pusher.yaml asks for
    /// https; plain http is accepted for gateways next to the server), without user information or fragment.
    /// </summary>
    private static Uri ParseUrl(JsonObject data)
    {
        var text = JsonFields.OptionalString(data, "url") ?? throw MatrixError.MissingParam("'data.url' is required for an http pusher");
        if (!Uri.TryCreate(text, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
        {
            throw MatrixError.InvalidParam("'data.url' must be an absolute http or https URL");
        }

        if (url.AbsolutePath != NotifyPath || url.UserInfo.Length > 0 || url.Fragment.Length > 0)
        {
            throw MatrixError.InvalidParam($"'data.url' must have the path {NotifyPath}, and no user information or fragment");
        }

        return url;
    }

    /// <summary>The IP address the URL names literally, if it does (a host name is checked when it is resolved).</summary>
    public IPAddress? LiteralAddress =>
        Url is { HostNameType: UriHostNameType.IPv4 or UriHostNameType.IPv6 } url && IPAddress.TryParse(url.Host.Trim('[', ']'), out var address) ? address : null;
}
