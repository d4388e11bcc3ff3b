namespace Ranvier.Storage.UserData;

/// <summary>
/// A piece of account data (spec: client-server API "Client Config"): global when <paramref name="RoomId"/> is
/// null, otherwise scoped to that room. <paramref name="StreamPosition"/> is where its last write sits on the
/// global stream.
/// </summary>
public sealed record AccountDataRecord(string? RoomId, string Type, string ContentJson, long StreamPosition);

/// <summary>What became of a profile field write.</summary>
public enum ProfileWriteResult
{
    Written = 0,

    /// <summary>The user does not exist; nothing was written.</summary>
    UnknownUser = 1,

    /// <summary>The profile would have grown past the size limit; nothing was written.</summary>
    TooLarge = 2,
}

/// <summary>
/// Data a local user keeps on the server: profile fields, account data and sync filters. JSON values are
/// stored as text exactly as given; the service validates them.
/// </summary>
public interface IUserDataStore
{
    /// <summary>Every profile field of the user, field name to JSON value; null when the user does not exist.</summary>
    Task<IReadOnlyDictionary<string, string>?> GetProfileAsync(string userId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Sets one profile field, unless the profile would then exceed <paramref name="maxProfileBytes"/>,
    /// measured as its compact JSON object: per field the UTF-8 bytes of name and value plus 4 (quotes, colon,
    /// comma), plus 2 for the braces. The check and the write are one transaction.
    /// </summary>
    Task<ProfileWriteResult> SetProfileFieldAsync(string userId, string field, string valueJson, int maxProfileBytes, CancellationToken cancellationToken = default);

    /// <summary>Removes a profile field. Returns false when it was not set.</summary>
    Task<bool> DeleteProfileFieldAsync(string userId, string field, CancellationToken cancellationToken = default);

    /// <summary>
    /// Stores account data (global when <paramref name="roomId"/> is null), replacing any of the same type, at the
    /// next position of the global stream, which it returns. Throws <see cref="StorageException"/> for an unknown user.
    /// </summary>
    Task<long> SetAccountDataAsync(string userId, string? roomId, string type, string contentJson, CancellationToken cancellationToken = default);

    /// <summary>The content JSON of one piece of account data, or null.</summary>
    Task<string?> GetAccountDataAsync(string userId, string? roomId, string type, CancellationToken cancellationToken = default);

    /// <summary>The user's account data written after stream position <paramref name="after"/> (0: all), in stream order.</summary>
    Task<IReadOnlyList<AccountDataRecord>> GetAccountDataChangedAfterAsync(string userId, long after, CancellationToken cancellationToken = default);

    /// <summary>Stores a filter and returns its ID, unique for this user. Throws <see cref="StorageException"/> for an unknown user.</summary>
    Task<long> CreateFilterAsync(string userId, string filterJson, CancellationToken cancellationToken = default);

    /// <summary>The JSON of a filter of this user, or null.</summary>
    Task<string?> GetFilterAsync(string userId, long filterId, CancellationToken cancellationToken = default);
}
