using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Ranvier.Server.Configuration;
using Ranvier.Server.Http;
using Ranvier.Server.Services.Accounts;
using Ranvier.Server.Services.Auth;
using Ranvier.Storage;
using Ranvier.Storage.Accounts;

namespace Ranvier.Server.Api.Admin;

/// <summary>
/// Synapse admin API "Registration Tokens" under <c>/_synapse/admin/v1/registration_tokens</c>: list, get,
/// create, update and delete the tokens of token-authenticated registration. Server administrators only.
/// </summary>
internal static class RegistrationTokenAdminEndpoints
{
    private const int DefaultLength = 16;

    public static void MapRegistrationTokenAdminEndpoints(this RouteGroupBuilder admin)
    {
        var tokens = admin.MapGroup("/registration_tokens").RequireAccessToken();
        tokens.MapGet("", List);
        tokens.MapPost("/new", Create);
        tokens.MapGet("/{token}", Get);
        tokens.MapPut("/{token}", Update);
        tokens.MapDelete("/{token}", Delete);
    }

    /// <summary>GET /registration_tokens[?valid=true|false] — every token, or only the (in)valid ones.</summary>
    private static async Task<RegistrationTokenListResponse> List(
        RequestContext context, string? valid, IRegistrationTokenStore store, TimeProvider time, CancellationToken cancellationToken)
    {
        context.RequireAdmin();
        bool? wantValid = valid switch
        {
            null => null,
            "true" => true,
            "false" => false,
            _ => throw MatrixError.InvalidParam("valid must be 'true' or 'false'"),
        };
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var all = await store.ListAsync(cancellationToken);
        return new(all.Where(t => wantValid is null || t.IsValidAt(now) == wantValid).Select(RegistrationTokenResponse.From).ToList());
    }

    /// <summary>GET /registration_tokens/{token}.</summary>
    private static async Task<RegistrationTokenResponse> Get(RequestContext context, string token, IRegistrationTokenStore store, CancellationToken cancellationToken)
    {
        context.RequireAdmin();
        return RegistrationTokenResponse.From(await store.GetAsync(token, cancellationToken) ?? throw NoSuchToken());
    }

    /// <summary>POST /registration_tokens/new — {token?, uses_allowed?, expiry_time?, length?}.</summary>
    private static async Task<RegistrationTokenResponse> Create(
        RequestContext context, HttpRequest request, RanvierOptions options, IRegistrationTokenStore store, TimeProvider time, CancellationToken cancellationToken)
    {
        context.RequireAdmin();
        var body = await JsonBody.ReadObjectAsync(request, options.MaxJsonBodyBytes, cancellationToken);
        var token = JsonFields.OptionalString(body, "token");
        var length = OptionalInteger(body, "length");
        var usesAllowed = ReadUsesAllowed(body);
        var expiryTime = ReadExpiryTime(body, time);
        if (token is not null && length is not null)
        {
            throw MatrixError.InvalidParam("Give either token or length, not both");
        }

        if (token is not null && !RegistrationTokens.IsWellFormed(token))
        {
            throw MatrixError.InvalidParam("token must be 1–64 characters of A-Z, a-z, 0-9, '.', '_', '~' and '-'");
        }

        if (length is < 1 or > RegistrationTokens.MaxLength)
        {
            throw MatrixError.InvalidParam("length must be an integer from 1 to 64");
        }

        if (token is not null)
        {
            try
            {
                await store.CreateAsync(token, (int?)usesAllowed, expiryTime, cancellationToken);
            }
            catch (StorageConflictException)
            {
                throw MatrixError.InvalidParam($"Token already exists: {token}");
            }
        }
        else
        {
            // A generated token that happens to exist is drawn again.
            for (var attempt = 0; ; attempt++)
            {
                token = RegistrationTokens.Generate((int)(length ?? DefaultLength));
                try
                {
                    await store.CreateAsync(token, (int?)usesAllowed, expiryTime, cancellationToken);
                    break;
                }
                catch (StorageConflictException) when (attempt < 5)
                {
                }
            }
        }

        return RegistrationTokenResponse.From(new RegistrationTokenRecord(token, (int?)usesAllowed, 0, 0, expiryTime));
    }

    /// <summary>PUT /registration_tokens/{token} — sets uses_allowed and/or expiry_time (null removes the limit).</summary>
    private static async Task<RegistrationTokenResponse> Update(
        RequestContext context, string token, HttpRequest request, RanvierOptions options, IRegistrationTokenStore store, TimeProvider time, CancellationToken cancellationToken)
    {
        context.RequireAdmin();
        var body = await JsonBody.ReadObjectAsync(request, options.MaxJsonBodyBytes, cancellationToken);
        var current = await store.GetAsync(token, cancellationToken) ?? throw NoSuchToken();
        // Absent fields keep their value; present ones (null included) replace it.
        var usesAllowed = body.ContainsKey("uses_allowed") ? ReadUsesAllowed(body) : current.UsesAllowed;
        var expiryTime = body.ContainsKey("expiry_time") ? ReadExpiryTime(body, time) : current.ExpiryTime;
        var updated = await store.UpdateAsync(token, (int?)usesAllowed, expiryTime, cancellationToken) ?? throw NoSuchToken();
        return RegistrationTokenResponse.From(updated);
    }

    /// <summary>DELETE /registration_tokens/{token}.</summary>
    private static async Task<JsonObject> Delete(RequestContext context, string token, IRegistrationTokenStore store, CancellationToken cancellationToken)
    {
        context.RequireAdmin();
        return await store.DeleteAsync(token, cancellationToken) ? [] : throw NoSuchToken();
    }

    private static long? ReadUsesAllowed(JsonObject body)
    {
        var usesAllowed = OptionalInteger(body, "uses_allowed");
        return usesAllowed is < 0 or > int.MaxValue
            ? throw MatrixError.InvalidParam("uses_allowed must be a non-negative integer or null")
            : usesAllowed;
    }

    private static long? ReadExpiryTime(JsonObject body, TimeProvider time)
    {
        var expiry = OptionalInteger(body, "expiry_time");
        return expiry is not null && expiry <= time.GetUtcNow().ToUnixTimeMilliseconds()
            ? throw MatrixError.InvalidParam("expiry_time must not be in the past")
            : expiry;
    }

    private static long? OptionalInteger(JsonObject body, string name) => body[name] switch
    {
        null => null,
        JsonValue v when v.GetValueKind() == JsonValueKind.Number && v.TryGetValue<long>(out var n) => n,
        JsonValue v when v.GetValueKind() == JsonValueKind.Number && v.TryGetValue<double>(out var d) && d == Math.Floor(d) && Math.Abs(d) < long.MaxValue => (long)d,
        _ => throw MatrixError.InvalidParam($"{name} must be an integer or null"),
    };

    private static MatrixError NoSuchToken() => MatrixError.NotFound("No such registration token");
}

// Synapse writes the unlimited uses_allowed and expiry_time as explicit nulls.
internal sealed record RegistrationTokenResponse(
    string Token,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] int? UsesAllowed,
    int Pending,
    int Completed,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] long? ExpiryTime)
{
    public static RegistrationTokenResponse From(RegistrationTokenRecord record) =>
        new(record.Token, record.UsesAllowed, record.Pending, record.Completed, record.ExpiryTime);
}

internal sealed record RegistrationTokenListResponse(IReadOnlyList<RegistrationTokenResponse> RegistrationTokens);
