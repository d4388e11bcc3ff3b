using System.Globalization;
using System.Text.Json.Nodes;
using Ranvier.Server.Http;
using Ranvier.Server.Services.Auth;
using Ranvier.Storage.UserData;

namespace Ranvier.Server.Services.Filters;

/// <summary>
/// Uploaded sync filters (spec: client-server API "Filtering"): validated when created, stored per user as
/// given, read back by ID. Filter IDs are decimal numbers, so they never start with '{' (which marks an inline
/// filter on /sync).
/// </summary>
public sealed class FilterService(IUserDataStore store)
{
    /// <summary>POST /user/{userId}/filter: validates and stores the filter; returns its ID.</summary>
    public async Task<string> CreateAsync(RequestContext context, string userId, JsonObject json, CancellationToken cancellationToken)
    {
        OwnUser.Require(context, userId, "filters");
        _ = FilterParser.Parse(json);
        var id = await store.CreateFilterAsync(context.UserId, StoredJson.Write(json), cancellationToken);
        return id.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>GET /user/{userId}/filter/{filterId}: the filter as uploaded; 404 M_NOT_FOUND when unknown.</summary>
    public async Task<JsonObject> GetJsonAsync(RequestContext context, string userId, string filterId, CancellationToken cancellationToken)
    {
        OwnUser.Require(context, userId, "filters");
        return await FindJsonAsync(context.UserId, filterId, cancellationToken) ?? throw MatrixError.NotFound("Unknown filter");
    }

    /// <summary>For /sync: the typed filter of this user with this ID, or null when there is none.</summary>
    public async Task<Filter?> FindAsync(string userId, string filterId, CancellationToken cancellationToken) =>
        await FindJsonAsync(userId, filterId, cancellationToken) is { } json ? FilterParser.Parse(json) : null;

    private async Task<JsonObject?> FindJsonAsync(string userId, string filterId, CancellationToken cancellationToken)
    {
        // Only IDs this server hands out can exist: a non-negative decimal number in its canonical form.
        if (!long.TryParse(filterId, NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            || id.ToString(CultureInfo.InvariantCulture) != filterId)
        {
            return null;
        }

        var json = await store.GetFilterAsync(userId, id, cancellationToken);
        return json is null ? null : (JsonObject)StoredJson.Read(json)!;
    }
}
