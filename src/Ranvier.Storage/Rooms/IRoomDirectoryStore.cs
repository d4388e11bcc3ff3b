namespace Ranvier.Storage.Rooms;

/// <summary>A local room alias (spec: client-server API, "Room aliases"): the room it names, who made it and when (ms since the epoch).</summary>
public sealed record RoomAliasRecord(string Alias, string RoomId, string Creator, long CreatedTs);

/// <summary>
/// A room's place in the published room directory's order: most joined members first, then room ID (ordinal), so
/// the order is total and a page boundary names exactly one position.
/// </summary>
public readonly record struct PublishedRoomKey(long JoinedMembers, string RoomId);

/// <summary>
/// One page of the published room directory. <see cref="From"/> null starts at the top; otherwise the page holds
/// the rooms strictly after it (or strictly before it when <see cref="Backward"/>), at most <see cref="Limit"/>.
/// <see cref="SearchTerm"/> (lower case) must occur in the room's name, topic or canonical alias;
/// <see cref="RoomTypes"/>, when not null, lists the m.room.create types to keep (a null entry: rooms without a type).
/// </summary>
public sealed record PublishedRoomsQuery(int Limit, PublishedRoomKey? From = null, bool Backward = false)
{
    public string? SearchTerm { get; init; }

    public IReadOnlyList<string?>? RoomTypes { get; init; }
}

/// <summary>
/// Room aliases and the published room directory. Aliases are unique; the directory holds each room's visibility
/// (published or not). Neither checks that the room exists: the caller does, before writing.
/// </summary>
public interface IRoomDirectoryStore
{
    /// <summary>Adds an alias; false, changing nothing, when the alias already exists.</summary>
    Task<bool> CreateAliasAsync(RoomAliasRecord alias, CancellationToken cancellationToken = default);

    Task<RoomAliasRecord?> GetAliasAsync(string alias, CancellationToken cancellationToken = default);

    /// <summary>Removes an alias; false when it did not exist.</summary>
    Task<bool> DeleteAliasAsync(string alias, CancellationToken cancellationToken = default);

    /// <summary>The aliases naming <paramref name="roomId"/>, in alias order.</summary>
    Task<IReadOnlyList<string>> GetAliasesForRoomAsync(string roomId, CancellationToken cancellationToken = default);

    /// <summary>Sets the room's directory visibility (published: "public"); setting it again changes nothing.</summary>
    Task SetPublishedAsync(string roomId, bool published, CancellationToken cancellationToken = default);

    Task<bool> IsPublishedAsync(string roomId, CancellationToken cancellationToken = default);

    /// <summary>
    /// A page of published rooms this server has, in <see cref="PublishedRoomKey"/> order (also for backward pages),
    /// each with its current joined-member count.
    /// </summary>
    Task<IReadOnlyList<PublishedRoomKey>> ListPublishedRoomsAsync(PublishedRoomsQuery query, CancellationToken cancellationToken = default);

    /// <summary>How many published rooms this server has, filters not applied.</summary>
    Task<int> CountPublishedRoomsAsync(CancellationToken cancellationToken = default);
}
