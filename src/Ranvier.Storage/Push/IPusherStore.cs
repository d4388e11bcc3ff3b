namespace Ranvier.Storage.Push;

/// <summary>
/// A pusher as a client set it (spec: client-server API, POST /pushers/set), keyed by (<paramref name="UserId"/>,
/// <paramref name="AppId"/>, <paramref name="Pushkey"/>). <paramref name="DataJson"/> is the <c>data</c> object as
/// given; <paramref name="DeviceId"/> is the device of the access token that set it (its deletion deletes the
/// pusher); <paramref name="CreatedTs"/> (ms) is when it was last set.
/// </summary>
public sealed record PusherRecord(
    string UserId,
    string AppId,
    string Pushkey,
    string Kind,
    string AppDisplayName,
    string DeviceDisplayName,
    string? ProfileTag,
    string Lang,
    string DataJson,
    string DeviceId,
    long CreatedTs);

/// <summary>
/// A pusher with its delivery progress: notifications at stream positions up to <paramref name="PushedPosition"/>
/// are handled; <paramref name="Failures"/> consecutive attempts failed, the first at <paramref name="FailingSinceTs"/>,
/// and the next is due at <paramref name="NextAttemptTs"/> (ms; null when not failing).
/// <paramref name="PusherId"/> names this pusher until it is deleted (a replacement keeps it).
/// </summary>
public sealed record PusherState(
    long PusherId,
    PusherRecord Pusher,
    long PushedPosition,
    int Failures,
    long? FailingSinceTs,
    long? NextAttemptTs);

/// <summary>
/// Pushers and their delivery progress (spec: client-server API "Push Notifications"; push gateway API). Progress
/// is stored so that a restarted server resumes where it stopped instead of re-sending or losing notifications.
/// </summary>
public interface IPusherStore
{
    /// <summary>
    /// Creates the pusher, or replaces the user's pusher with the same app ID and pushkey (keeping its delivery
    /// position, clearing its failures). A new pusher starts at the end of the global stream. Unless
    /// <paramref name="append"/>, pushers of other users with the same app ID and pushkey are deleted in the same
    /// transaction. Throws <see cref="StorageException"/> when the device does not exist. Returns the pusher ID.
    /// </summary>
    Task<long> SetAsync(PusherRecord pusher, bool append, CancellationToken cancellationToken = default);

    /// <summary>Deletes the user's pusher with this app ID and pushkey. Returns false when there was none.</summary>
    Task<bool> DeleteAsync(string userId, string appId, string pushkey, CancellationToken cancellationToken = default);

    /// <summary>The user's pushers, oldest first.</summary>
    Task<IReadOnlyList<PusherRecord>> ListAsync(string userId, CancellationToken cancellationToken = default);

    /// <summary>Every pusher of <paramref name="kind"/> with its progress, in pusher-ID order (what delivery walks).</summary>
    Task<IReadOnlyList<PusherState>> ListStatesAsync(string kind, CancellationToken cancellationToken = default);

    /// <summary>
    /// Records that everything up to <paramref name="position"/> is handled (the position never moves back) and clears
    /// the failure state. False when the pusher no longer exists.
    /// </summary>
    Task<bool> RecordPushedAsync(long pusherId, long position, CancellationToken cancellationToken = default);

    /// <summary>
    /// Records a failed attempt: one more failure, failing since <paramref name="nowTs"/> unless it already was, next
    /// attempt at <paramref name="nextAttemptTs"/>. False when the pusher no longer exists.
    /// </summary>
    Task<bool> RecordFailureAsync(long pusherId, long nowTs, long nextAttemptTs, CancellationToken cancellationToken = default);

    /// <summary>Deletes a pusher by ID (its push gateway rejected the pushkey). False when it no longer exists.</summary>
    Task<bool> DeleteByIdAsync(long pusherId, CancellationToken cancellationToken = default);
}
