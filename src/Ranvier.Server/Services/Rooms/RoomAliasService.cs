using Ranvier.Protocol.Identifiers;
using Ranvier.Server.Configuration;
using Ranvier.Server.Http;
using Ranvier.Server.Services.Auth;
using Ranvier.Storage.Rooms;

namespace Ranvier.Server.Services.Rooms;

/// <summary>
/// Room aliases hosted by this server (spec: client-server API, "Room aliases"; directory.yaml). Rooms do not
/// federate yet, so an alias on another server can be neither created nor resolved here.
/// </summary>
public sealed class RoomAliasService(
    RanvierOptions options,
    IRoomDirectoryStore directory,
    RoomEventReader reader,
    RoomReadAccess readAccess,
    RoomDirectoryAccess directoryAccess,
    TimeProvider time)
{
    /// <summary>PUT /directory/room/{roomAlias}: maps a new local alias to a room the requester is in (administrators: any room).</summary>
    public async Task CreateAsync(RequestContext context, string alias, string roomId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        RequireLocal(Parse(alias));
        await RequireKnownRoomAsync(roomId, cancellationToken).ConfigureAwait(false);
        if (!context.IsAdmin && await reader.GetMembershipAsync(roomId, context.UserId, cancellationToken).ConfigureAwait(false) != Memberships.Join)
        {
            throw MatrixError.Forbidden("You must be in the room to create an alias for it.");
        }

        if (!await TryCreateAsync(alias, roomId, context.UserId, cancellationToken).ConfigureAwait(false))
        {
            // directory.yaml: 409 for an alias that already exists, with M_UNKNOWN as its example.
            throw new MatrixError(409, "M_UNKNOWN", $"Room alias {alias} already exists.");
        }
    }

    /// <summary>Stores a local alias without permission checks (createRoom uses it); false when the alias is taken.</summary>
    public Task<bool> TryCreateAsync(string alias, string roomId, string creator, CancellationToken cancellationToken) =>
        directory.CreateAliasAsync(new RoomAliasRecord(alias, roomId, creator, time.GetUtcNow().ToUnixTimeMilliseconds()), cancellationToken);

    public async Task<bool> ExistsAsync(string alias, CancellationToken cancellationToken) =>
        await directory.GetAliasAsync(alias, cancellationToken).ConfigureAwait(false) is not null;

    /// <summary>Removes an alias without permission checks (createRoom gives back the alias of a room it could not persist).</summary>
    public Task ForgetAsync(string alias, CancellationToken cancellationToken) => directory.DeleteAliasAsync(alias, cancellationToken);

    /// <summary>GET /directory/room/{roomAlias}: the room a local alias names. 404 M_NOT_FOUND for unknown and remote aliases.</summary>
    public async Task<string> ResolveAsync(string alias, CancellationToken cancellationToken)
    {
        var parsed = Parse(alias);
        if (parsed.Server.ToString() != options.ServerName)
        {
            throw MatrixError.NotFound($"Room alias {alias} is on another server, and this server does not federate yet.");
        }

        var record = await directory.GetAliasAsync(alias, cancellationToken).ConfigureAwait(false)
            ?? throw MatrixError.NotFound($"Room alias {alias} not found.");
        return record.RoomId;
    }

    /// <summary>A room ID as given, or the room a <c>#alias</c> names (POST /join/{roomIdOrAlias}).</summary>
    public Task<string> ResolveRoomIdOrAliasAsync(string roomIdOrAlias, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(roomIdOrAlias);
        return roomIdOrAlias.StartsWith('#') ? ResolveAsync(roomIdOrAlias, cancellationToken) : Task.FromResult(roomIdOrAlias);
    }

    /// <summary>
    /// DELETE /directory/room/{roomAlias}. Allowed for the alias's creator, server administrators, and members who may
    /// change the room's directory entry (<see cref="RoomDirectoryAccess"/>); the room's canonical alias event is left as it is.
    /// </summary>
    public async Task DeleteAsync(RequestContext context, string alias, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        RequireLocal(Parse(alias));
        var record = await directory.GetAliasAsync(alias, cancellationToken).ConfigureAwait(false)
            ?? throw MatrixError.NotFound($"Room alias {alias} not found.");
        if (record.Creator != context.UserId && !await directoryAccess.CanEditAsync(context, record.RoomId, cancellationToken).ConfigureAwait(false))
        {
            throw MatrixError.Forbidden("You don't have permission to delete the alias.");
        }

        await directory.DeleteAliasAsync(alias, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>GET /rooms/{roomId}/aliases: for members of the room, anyone when it is world_readable, and administrators.</summary>
    public async Task<IReadOnlyList<string>> ListAsync(RequestContext context, string roomId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!RoomId.TryParse(roomId, out _))
        {
            throw MatrixError.InvalidParam($"{roomId} is not a valid room ID.");
        }

        // A null view means "joined, or the room is world_readable"; former members see old state, not the aliases now.
        if (!context.IsAdmin && await readAccess.GetStateViewAsync(context, roomId, cancellationToken).ConfigureAwait(false) is not null)
        {
            throw MatrixError.Forbidden("You are not a member of the room.");
        }

        return await directory.GetAliasesForRoomAsync(roomId, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Parses an alias, 400 M_INVALID_PARAM when it breaks the grammar or the 255-byte limit (spec: appendices, "Room Aliases").</summary>
    public static RoomAlias Parse(string alias)
    {
        if (!RoomAlias.TryParse(alias, out var parsed, out var error))
        {
            throw MatrixError.InvalidParam($"Room alias invalid: {error}.");
        }

        return parsed;
    }

    /// <summary>Whether the alias is hosted by this server.</summary>
    public bool IsLocal(RoomAlias alias) => alias.Server.ToString() == options.ServerName;

    private void RequireLocal(RoomAlias alias)
    {
        if (!IsLocal(alias))
        {
            throw MatrixError.InvalidParam($"Room alias {alias} is not on this server ({options.ServerName}).");
        }
    }

    private async Task RequireKnownRoomAsync(string roomId, CancellationToken cancellationToken)
    {
        if (!RoomId.TryParse(roomId, out _))
        {
            throw MatrixError.InvalidParam($"{roomId} is not a valid room ID.");
        }

        if (await reader.GetRoomVersionAsync(roomId, cancellationToken).ConfigureAwait(false) is null)
        {
            throw MatrixError.NotFound("This server knows no such room.");
        }
    }
}
