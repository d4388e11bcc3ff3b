namespace Ranvier.Storage.Sqlite;

/// <summary>
/// Writes the device-list stream (migration 15, docs/storage.md "Device-list changes"). Every store whose write changes
/// what <c>/keys/query</c> answers for a user (devices added or deleted, device keys, cross-signing keys, signatures)
/// calls <see cref="Record"/> inside that same transaction, so the change and its stream position commit together.
/// </summary>
internal static class SqliteDeviceListChanges
{
    /// <summary>
    /// Takes the next global stream position and records that <paramref name="userIds"/>' device lists changed at it.
    /// Returns the position, which the caller announces (StreamNotifier.Advance) after the commit.
    /// </summary>
    public static long Record(SqliteSession s, params ReadOnlySpan<string> userIds)
    {
        ArgumentNullException.ThrowIfNull(s);
        var position = s.Command("UPDATE stream_counter SET pos = pos + 1 WHERE id = 1 RETURNING pos").ScalarInt64();
        foreach (var userId in userIds)
        {
            s.Command("INSERT INTO device_list_changes (stream_pos, user_id) VALUES (@p, @u) ON CONFLICT DO NOTHING")
                .With("@p", position).With("@u", userId).ExecuteNonQuery();
        }

        return position;
    }
}
