using System.Text.Json;
using System.Text.Json.Nodes;
using Ranvier.Server.Configuration;
using Ranvier.Server.Http;
using Ranvier.Server.Services.Auth;

namespace Ranvier.Server.Api.Client;

/// <summary>
/// Client-server API "Adding Account Administrative Contact Information" (/account/3pid*), for a server
/// without identity-server support and without its own email or SMS sending. No account ever has a 3PID,
/// so the answers are those the spec defines for that situation; each handler says which and why. Every
/// body is validated first, so malformed requests still get M_MISSING_PARAM / M_BAD_JSON.
/// </summary>
internal static class ThirdPartyIdEndpoints
{
    public static void MapThirdPartyIdEndpoints(this RouteGroupBuilder client)
    {
        client.MapGet("/account/3pid", List).RequireAccessToken();
        client.MapPost("/account/3pid", AddLegacy).RequireAccessToken();
        client.MapPost("/account/3pid/add", Add).RequireAccessToken();
        client.MapPost("/account/3pid/bind", Bind).RequireAccessToken();
        client.MapPost("/account/3pid/delete", Delete).RequireAccessToken();
        client.MapPost("/account/3pid/unbind", Unbind).RequireAccessToken();
        // requestToken needs no access token in the spec (it is also used before an account exists).
        client.MapPost("/account/3pid/email/requestToken", RequestEmailToken);
        client.MapPost("/account/3pid/msisdn/requestToken", RequestMsisdnToken);
    }

    /// <summary>GET /account/3pid — the account's 3PIDs: always none.</summary>
    private static ThreePidsResponse List() => ThreePidsResponse.None;

    /// <summary>
    /// POST /account/3pid (deprecated; binds through an identity server). The spec's own error for this
    /// endpoint is 403 M_THREEPID_AUTH_FAILED, "the credentials could not be verified with the identity
    /// server": with no identity server trusted, they never can be.
    /// </summary>
    private static async Task<IResult> AddLegacy(HttpRequest request, RanvierOptions options, CancellationToken cancellationToken)
    {
        var body = await JsonBody.ReadObjectAsync(request, options.MaxJsonBodyBytes, cancellationToken);
        var creds = JsonFields.OptionalObject(body, "three_pid_creds") ?? throw MatrixError.MissingParam("'three_pid_creds' is required");
        RequireStrings(creds, "client_secret", "id_server", "sid");
        _ = JsonFields.OptionalString(creds, "id_access_token");
        throw new MatrixError(StatusCodes.Status403Forbidden, "M_THREEPID_AUTH_FAILED", "This server cannot verify third-party identifiers with an identity server");
    }

    /// <summary>
    /// POST /account/3pid/add. A validation session (sid) can only come from requestToken, which this server
    /// refuses, so there is nothing to add: 403 M_THREEPID_DENIED ("the server does not permit this
    /// third-party identifier"), answered before UIA so the client is not asked for a password in vain.
    /// Clients are told beforehand too: the m.3pid_changes capability is false.
    /// </summary>
    private static async Task<IResult> Add(HttpRequest request, RanvierOptions options, CancellationToken cancellationToken)
    {
        var body = await JsonBody.ReadObjectAsync(request, options.MaxJsonBodyBytes, cancellationToken);
        RequireStrings(body, "client_secret", "sid");
        _ = JsonFields.OptionalObject(body, "auth");
        throw new MatrixError(StatusCodes.Status403Forbidden, "M_THREEPID_DENIED", "Adding third-party identifiers is not supported on this server");
    }

    /// <summary>
    /// POST /account/3pid/bind — binding happens at an identity server, which this server does not talk to:
    /// 400 M_SERVER_NOT_TRUSTED ("a third-party server, e.g. identity server, that this server does not trust").
    /// </summary>
    private static async Task<IResult> Bind(HttpRequest request, RanvierOptions options, CancellationToken cancellationToken)
    {
        var body = await JsonBody.ReadObjectAsync(request, options.MaxJsonBodyBytes, cancellationToken);
        RequireStrings(body, "client_secret", "id_server", "id_access_token", "sid");
        throw new MatrixError(StatusCodes.Status400BadRequest, "M_SERVER_NOT_TRUSTED", "This server does not use identity servers");
    }

    /// <summary>
    /// POST /account/3pid/delete — the account has no such 3PID, so removing it is already done (200). The
    /// spec: a homeserver that does not know the identity server it was bound through MUST answer no-support.
    /// </summary>
    private static Task<UnbindResultResponse> Delete(HttpRequest request, RanvierOptions options, CancellationToken cancellationToken) =>
        UnbindAsync(request, options, cancellationToken);

    /// <summary>POST /account/3pid/unbind — as delete: nothing is bound anywhere this server knows of, so no-support.</summary>
    private static Task<UnbindResultResponse> Unbind(HttpRequest request, RanvierOptions options, CancellationToken cancellationToken) =>
        UnbindAsync(request, options, cancellationToken);

    private static async Task<UnbindResultResponse> UnbindAsync(HttpRequest request, RanvierOptions options, CancellationToken cancellationToken)
    {
        var body = await JsonBody.ReadObjectAsync(request, options.MaxJsonBodyBytes, cancellationToken);
        var medium = JsonFields.RequiredString(body, "medium");
        if (medium is not ("email" or "msisdn"))
        {
            throw MatrixError.InvalidParam("'medium' must be 'email' or 'msisdn'");
        }

        RequireStrings(body, "address");
        _ = JsonFields.OptionalString(body, "id_server");
        return new UnbindResultResponse(UnbindResultResponse.NoSupport);
    }

    /// <summary>
    /// POST /account/3pid/email/requestToken — this server sends no email and delegates to no identity
    /// server: 400 M_THREEPID_MEDIUM_NOT_SUPPORTED, the spec's "the homeserver does not support adding email addresses".
    /// </summary>
    private static async Task<IResult> RequestEmailToken(HttpRequest request, RanvierOptions options, CancellationToken cancellationToken)
    {
        var body = await JsonBody.ReadObjectAsync(request, options.MaxJsonBodyBytes, cancellationToken);
        RequireStrings(body, "client_secret", "email");
        RequireInteger(body, "send_attempt");
        throw MediumNotSupported("email addresses");
    }

    /// <summary>POST /account/3pid/msisdn/requestToken — no SMS either: 400 M_THREEPID_MEDIUM_NOT_SUPPORTED.</summary>
    private static async Task<IResult> RequestMsisdnToken(HttpRequest request, RanvierOptions options, CancellationToken cancellationToken)
    {
        var body = await JsonBody.ReadObjectAsync(request, options.MaxJsonBodyBytes, cancellationToken);
        RequireStrings(body, "client_secret", "country", "phone_number");
        RequireInteger(body, "send_attempt");
        throw MediumNotSupported("phone numbers");
    }

    private static MatrixError MediumNotSupported(string what) =>
        new(StatusCodes.Status400BadRequest, "M_THREEPID_MEDIUM_NOT_SUPPORTED", $"This server does not support adding {what}");

    private static void RequireStrings(JsonObject body, params ReadOnlySpan<string> names)
    {
        foreach (var name in names)
        {
            _ = JsonFields.RequiredString(body, name);
        }
    }

    private static void RequireInteger(JsonObject body, string name)
    {
        switch (body[name])
        {
            case null:
                throw MatrixError.MissingParam($"'{name}' is required");
            case JsonValue v when v.GetValueKind() == JsonValueKind.Number && v.TryGetValue<long>(out _):
                return;
            default:
                throw MatrixError.BadJson($"'{name}' must be an integer");
        }
    }
}

internal sealed record ThreePidsResponse(IReadOnlyList<JsonObject> Threepids)
{
    public static readonly ThreePidsResponse None = new([]);
}
