using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Ranvier.Protocol.Identifiers;
using Ranvier.Server.Configuration;
using Ranvier.Server.Http;
using Ranvier.Server.Services.Auth;
using Ranvier.Server.Services.Rooms;
using Ranvier.Storage.UserData;

namespace Ranvier.Server.Services.Profiles;

/// <summary>
/// User profiles (spec: client-server API, "Profiles", v1.16+ extended fields): <c>displayname</c>,
/// <c>avatar_url</c>, <c>m.tz</c> and custom namespaced fields of local users. Anyone may read a profile; only
/// its owner may change it.
/// </summary>
public sealed partial class ProfileService(RanvierOptions options, IUserDataStore store, ProfilePropagation propagation)
{
    public const string DisplayName = "displayname";
    public const string AvatarUrl = "avatar_url";
    public const string TimeZone = "m.tz";

    /// <summary>"the total profile MUST be under 64 KiB" (PUT /profile/{userId}/{keyName}).</summary>
    public const int MaxProfileBytes = 64 * 1024;

    /// <summary>"the maximum allowed key length of 255 bytes" (M_KEY_TOO_LARGE).</summary>
    public const int MaxKeyBytes = 255;

    /// <summary>Display names longer than this are refused, as Synapse does; the spec leaves the limit to servers.</summary>
    public const int MaxDisplayNameLength = 256;

    /// <summary>Avatar URLs longer than this are refused; an MXC URI is far shorter.</summary>
    public const int MaxAvatarUrlLength = 1000;

    private readonly ServerName serverName = ServerName.Parse(options.ServerName);

    /// <summary>GET /profile/{userId}: every field; 404 M_NOT_FOUND for an unknown user.</summary>
    public async Task<JsonObject> GetProfileAsync(string userId, CancellationToken cancellationToken)
    {
        var fields = await LoadAsync(userId, cancellationToken);
        var profile = new JsonObject();
        foreach (var (field, json) in fields)
        {
            profile[field] = StoredJson.Read(json);
        }

        return profile;
    }

    /// <summary>GET /profile/{userId}/{keyName}: <c>{keyName: value}</c>; 404 M_NOT_FOUND when the field is not set.</summary>
    public async Task<JsonObject> GetFieldAsync(string userId, string key, CancellationToken cancellationToken)
    {
        CheckKey(key);
        var fields = await LoadAsync(userId, cancellationToken);
        return fields.TryGetValue(key, out var json)
            ? new JsonObject { [key] = StoredJson.Read(json) }
            : throw MatrixError.NotFound($"The profile has no field {key}");
    }

    /// <summary>
    /// PUT /profile/{userId}/{keyName}. The body holds exactly one property, named <paramref name="key"/>. An
    /// empty display name or avatar URL removes the field, as Synapse does and clients rely on (js-sdk clears an
    /// avatar with ""); other values are validated per field. Nothing is written when any check fails.
    /// </summary>
    public async Task SetFieldAsync(RequestContext context, string userId, string key, JsonObject body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        CheckOwner(context, userId);
        CheckKey(key);
        if (!body.TryGetPropertyValue(key, out var value))
        {
            throw MatrixError.MissingParam($"The body must contain '{key}'");
        }

        if (body.Count != 1)
        {
            throw MatrixError.BadJson($"The body must contain only '{key}'");
        }

        if (key is DisplayName or AvatarUrl && value is JsonValue v && v.GetValueKind() == JsonValueKind.String && v.GetValue<string>().Length == 0)
        {
            await store.DeleteProfileFieldAsync(context.UserId, key, cancellationToken);
            await PropagateAsync(context.UserId, key, cancellationToken);
            return;
        }

        CheckValue(key, value);
        var result = await store.SetProfileFieldAsync(context.UserId, key, StoredJson.Write(value), MaxProfileBytes, cancellationToken);
        switch (result)
        {
            case ProfileWriteResult.TooLarge:
                throw new MatrixError(StatusCodes.Status400BadRequest, "M_PROFILE_TOO_LARGE", $"The profile would exceed {MaxProfileBytes} bytes");
            case ProfileWriteResult.UnknownUser:
                throw MatrixError.NotFound("Unknown user");
        }

        await PropagateAsync(context.UserId, key, cancellationToken);
        // TODO(presence): the change is also a presence update (spec: "Events on Change of Profile Information").
    }

    /// <summary>DELETE /profile/{userId}/{keyName}: succeeds whether or not the field was set.</summary>
    public async Task DeleteFieldAsync(RequestContext context, string userId, string key, CancellationToken cancellationToken)
    {
        CheckOwner(context, userId);
        CheckKey(key);
        await store.DeleteProfileFieldAsync(context.UserId, key, cancellationToken);
        await PropagateAsync(context.UserId, key, cancellationToken);
    }

    /// <summary>A changed display name or avatar goes into the member events of the user's rooms (spec: "Events on Change of Profile Information").</summary>
    private Task PropagateAsync(string userId, string key, CancellationToken cancellationToken) =>
        key is DisplayName or AvatarUrl ? propagation.PropagateAsync(userId, cancellationToken) : Task.CompletedTask;

    private async Task<IReadOnlyDictionary<string, string>> LoadAsync(string userId, CancellationToken cancellationToken)
    {
        if (!UserId.TryParse(userId, out var parsed, out var error))
        {
            throw MatrixError.InvalidParam($"Invalid user ID: {error}");
        }

        // Remote profiles need a federation query (spec: "SHOULD query the remote server"); until federation
        // exists they are unknown here. TODO(federation): GET /_matrix/federation/v1/query/profile.
        if (parsed.Server != serverName)
        {
            throw MatrixError.NotFound("Profiles of remote users are not available yet");
        }

        return await store.GetProfileAsync(parsed.ToString(), cancellationToken) ?? throw MatrixError.NotFound("Profile not found");
    }

    private static void CheckOwner(RequestContext context, string userId)
    {
        if (!UserId.TryParse(userId, out _, out var error))
        {
            throw MatrixError.InvalidParam($"Invalid user ID: {error}");
        }

        OwnUser.Require(context, userId, "the profile");
    }

    /// <summary>
    /// The key rules of v1.16+: at most 255 bytes (M_KEY_TOO_LARGE), and one of the defined keys or a custom key in
    /// the Common Namespaced Identifier Grammar (M_INVALID_PARAM), whose <c>m.</c> namespace is the spec's own.
    /// </summary>
    public static void CheckKey(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (Encoding.UTF8.GetByteCount(key) > MaxKeyBytes)
        {
            throw new MatrixError(StatusCodes.Status400BadRequest, "M_KEY_TOO_LARGE", $"Profile keys are at most {MaxKeyBytes} bytes");
        }

        if (key is not (DisplayName or AvatarUrl or TimeZone) && (!KeyPattern().IsMatch(key) || key.StartsWith("m.", StringComparison.Ordinal)))
        {
            throw MatrixError.InvalidParam($"Invalid profile key '{key}': use a namespaced key such as com.example.field");
        }
    }

    private static void CheckValue(string key, JsonNode? value)
    {
        switch (key)
        {
            case DisplayName:
                var name = RequireString(key, value);
                if (name.Length > MaxDisplayNameLength)
                {
                    throw MatrixError.InvalidParam($"The display name is longer than {MaxDisplayNameLength} characters");
                }

                break;
            case AvatarUrl:
                var url = RequireString(key, value);
                if (url.Length > MaxAvatarUrlLength || !IsMxcUri(url))
                {
                    throw MatrixError.InvalidParam("avatar_url must be an MXC URI (mxc://server/media-id)");
                }

                break;
            case TimeZone:
                // "Servers MAY choose to validate the value": only the type is checked, clients expect unknown zones.
                _ = RequireString(key, value);
                break;
            default:
                // Custom fields hold any JSON; only the profile's total size bounds them.
                break;
        }
    }

    private static string RequireString(string key, JsonNode? value) =>
        value is JsonValue v && v.GetValueKind() == JsonValueKind.String
            ? v.GetValue<string>()
            : throw MatrixError.BadJson($"'{key}' must be a string");

    /// <summary>An MXC URI (spec: client-server API "Matrix Content (MXC) URIs"): <c>mxc://{server-name}/{media-id}</c>, media ID of [A-Za-z0-9_-].</summary>
    public static bool IsMxcUri(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        const string Scheme = "mxc://";
        if (!value.StartsWith(Scheme, StringComparison.Ordinal))
        {
            return false;
        }

        var rest = value.AsSpan(Scheme.Length);
        var slash = rest.IndexOf('/');
        return slash > 0
            && ServerName.TryParse(rest[..slash].ToString(), out _)
            && MediaIdPattern().IsMatch(rest[(slash + 1)..]);
    }

    [GeneratedRegex(@"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$", RegexOptions.CultureInvariant)]
    private static partial Regex KeyPattern();

    [GeneratedRegex("^[A-Za-z0-9_-]+$", RegexOptions.CultureInvariant)]
    private static partial Regex MediaIdPattern();
}
