namespace Ranvier.Storage.Accounts;

/// <summary>
/// A registration token (spec: client-server API "Token-authenticated registration"), in the shape of
/// Synapse's admin API. <paramref name="UsesAllowed"/> null: unlimited; <paramref name="ExpiryTime"/> null: never
/// (ms since the epoch). <paramref name="Pending"/> counts UIA sessions holding it, <paramref name="Completed"/>
/// the accounts registered with it.
/// </summary>
public sealed record RegistrationTokenRecord(string Token, int? UsesAllowed, int Pending, int Completed, long? ExpiryTime)
{
    /// <summary>Whether the token may start another registration at <paramref name="nowMs"/>.</summary>
    public bool IsValidAt(long nowMs) =>
        (ExpiryTime is null || ExpiryTime > nowMs) && (UsesAllowed is null || Pending + Completed < UsesAllowed);
}

/// <summary>Registration tokens and their use counts. Every counter change is one atomic statement.</summary>
public interface IRegistrationTokenStore
{
    /// <summary>Creates a token with no uses. Throws <see cref="StorageConflictException"/> when it exists.</summary>
    Task CreateAsync(string token, int? usesAllowed, long? expiryTime, CancellationToken cancellationToken = default);

    Task<RegistrationTokenRecord?> GetAsync(string token, CancellationToken cancellationToken = default);

    /// <summary>Every token, ordered by token.</summary>
    Task<IReadOnlyList<RegistrationTokenRecord>> ListAsync(CancellationToken cancellationToken = default);

    /// <summary>Replaces the limits of a token; returns the updated token, or null when it does not exist.</summary>
    Task<RegistrationTokenRecord?> UpdateAsync(string token, int? usesAllowed, long? expiryTime, CancellationToken cancellationToken = default);

    /// <summary>Deletes a token; false when it did not exist.</summary>
    Task<bool> DeleteAsync(string token, CancellationToken cancellationToken = default);

    /// <summary>
    /// Adds one pending use if the token is valid at <paramref name="nowMs"/>, in one statement so two
    /// sessions cannot both take the last use. False when it is unknown, expired or used up.
    /// </summary>
    Task<bool> TryReserveAsync(string token, long nowMs, CancellationToken cancellationToken = default);

    /// <summary>Gives back a pending use (the session holding it expired).</summary>
    Task ReleaseAsync(string token, CancellationToken cancellationToken = default);

    /// <summary>
    /// Sets every pending count to zero. The UIA sessions that hold pending uses live in the server's memory,
    /// so after a restart no pending use has a holder any more; the server calls this at start.
    /// </summary>
    Task ClearPendingAsync(CancellationToken cancellationToken = default);

    /// <summary>Turns a pending use into a completed one (an account was registered with the token).</summary>
    Task CompleteAsync(string token, CancellationToken cancellationToken = default);
}
