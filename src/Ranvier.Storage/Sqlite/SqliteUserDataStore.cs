using Microsoft.Data.Sqlite;
using Ranvier.Storage.UserData;

namespace Ranvier.Storage.Sqlite;

internal sealed class SqliteUserDataStore(SqliteWriteQueue writes, SqliteReadPool reads) : IUserDataStore
{
    // Global account data is stored under room_id '' so that the primary key covers it (NULLs never collide).
    private const string GlobalRoom = "";

    public Task<IReadOnlyDictionary<string, string>?> GetProfileAsync(string userId, CancellationToken cancellationToken = default) =>
        reads.ReadAsync<IReadOnlyDictionary<string, string>?>(
            s =>
            {
                if (s.Command("SELECT 1 FROM users WHERE user_id = @u").With("@u", userId).ExecuteScalar() is null)
                {
                    return null;
                }

                using var r = s.Command("SELECT field, value_json FROM profile_fields WHERE user_id = @u ORDER BY field")
                    .With("@u", userId).ExecuteReader();
                var fields = new Dictionary<string, string>(StringComparer.Ordinal);
                while (r.Read())
                {
                    fields.Add(r.GetString(0), r.GetString(1));
                }

                return fields;
            },
            cancellationToken);

    public Task<ProfileWriteResult> SetProfileFieldAsync(string userId, string field, string valueJson, int maxProfileBytes, CancellationToken cancellationToken = default) =>
        writes.ExecuteAsync(
            s =>
            {
                if (s.Command("SELECT 1 FROM users WHERE user_id = @u").With("@u", userId).ExecuteScalar() is null)
                {
                    return ProfileWriteResult.UnknownUser;
                }

                // The other fields as they stand in this transaction, plus the new value: see IUserDataStore.
                var others = s.Command(
                        "SELECT COALESCE(SUM(length(CAST(field AS BLOB)) + length(CAST(value_json AS BLOB)) + 4), 0) " +
                        "FROM profile_fields WHERE user_id = @u AND field <> @f")
                    .With("@u", userId).With("@f", field).ScalarInt64();
                var size = 2 + others + System.Text.Encoding.UTF8.GetByteCount(field) + System.Text.Encoding.UTF8.GetByteCount(valueJson) + 4;
                if (size > maxProfileBytes)
                {
                    return ProfileWriteResult.TooLarge;
                }

                s.Command("INSERT INTO profile_fields (user_id, field, value_json) VALUES (@u, @f, @v) " +
                        "ON CONFLICT (user_id, field) DO UPDATE SET value_json = excluded.value_json")
                    .With("@u", userId).With("@f", field).With("@v", valueJson).ExecuteNonQuery();
                return ProfileWriteResult.Written;
            },
            cancellationToken);

    public Task<bool> DeleteProfileFieldAsync(string userId, string field, CancellationToken cancellationToken = default) =>
        writes.ExecuteAsync(
            s => s.Command("DELETE FROM profile_fields WHERE user_id = @u AND field = @f")
                .With("@u", userId).With("@f", field).ExecuteNonQuery() > 0,
            cancellationToken);

    /// <summary>Writes a new user's first profile fields; runs inside the registration's transaction.</summary>
    internal static void InsertProfileField(SqliteSession s, string userId, string field, string valueJson) =>
        s.Command("INSERT INTO profile_fields (user_id, field, value_json) VALUES (@u, @f, @v)")
            .With("@u", userId).With("@f", field).With("@v", valueJson).ExecuteNonQuery();

    public Task<long> SetAccountDataAsync(string userId, string? roomId, string type, string contentJson, CancellationToken cancellationToken = default) =>
        writes.ExecuteAsync(
            s =>
            {
                // The position comes from the one global stream row, inside this transaction (docs/storage.md, "The stream").
                var position = s.Command("UPDATE stream_counter SET pos = pos + 1 WHERE id = 1 RETURNING pos").ScalarInt64();
                try
                {
                    s.Command("INSERT INTO account_data (user_id, room_id, type, content_json, stream_pos) VALUES (@u, @r, @t, @c, @p) " +
                            "ON CONFLICT (user_id, room_id, type) DO UPDATE SET content_json = excluded.content_json, stream_pos = excluded.stream_pos")
                        .With("@u", userId).With("@r", roomId ?? GlobalRoom).With("@t", type).With("@c", contentJson).With("@p", position)
                        .ExecuteNonQuery();
                }
                catch (SqliteException e) when (SqliteErrors.IsForeignKeyViolation(e))
                {
                    throw new StorageException($"The user {userId} does not exist.", e);
                }

                return position;
            },
            cancellationToken);

    public Task<string?> GetAccountDataAsync(string userId, string? roomId, string type, CancellationToken cancellationToken = default) =>
        reads.ReadAsync(
            s => s.Command("SELECT content_json FROM account_data WHERE user_id = @u AND room_id = @r AND type = @t")
                .With("@u", userId).With("@r", roomId ?? GlobalRoom).With("@t", type).ExecuteScalar() as string,
            cancellationToken);

    public Task<IReadOnlyList<AccountDataRecord>> GetAccountDataChangedAfterAsync(string userId, long after, CancellationToken cancellationToken = default) =>
        reads.ReadAsync<IReadOnlyList<AccountDataRecord>>(
            s =>
            {
                using var r = s.Command("SELECT room_id, type, content_json, stream_pos FROM account_data " +
                        "WHERE user_id = @u AND stream_pos > @after ORDER BY stream_pos")
                    .With("@u", userId).With("@after", after).ExecuteReader();
                var changed = new List<AccountDataRecord>();
                while (r.Read())
                {
                    var room = r.GetString(0);
                    changed.Add(new AccountDataRecord(room.Length == 0 ? null : room, r.GetString(1), r.GetString(2), r.GetInt64(3)));
                }

                return changed;
            },
            cancellationToken);

    public Task<long> CreateFilterAsync(string userId, string filterJson, CancellationToken cancellationToken = default) =>
        writes.ExecuteAsync(
            s =>
            {
                var id = s.Command("SELECT COALESCE(MAX(filter_id) + 1, 0) FROM filters WHERE user_id = @u").With("@u", userId).ScalarInt64();
                try
                {
                    s.Command("INSERT INTO filters (user_id, filter_id, filter_json) VALUES (@u, @i, @j)")
                        .With("@u", userId).With("@i", id).With("@j", filterJson).ExecuteNonQuery();
                }
                catch (SqliteException e) when (SqliteErrors.IsForeignKeyViolation(e))
                {
                    throw new StorageException($"The user {userId} does not exist.", e);
                }

                return id;
            },
            cancellationToken);

    public Task<string?> GetFilterAsync(string userId, long filterId, CancellationToken cancellationToken = default) =>
        reads.ReadAsync(
            s => s.Command("SELECT filter_json FROM filters WHERE user_id = @u AND filter_id = @i")
                .With("@u", userId).With("@i", filterId).ExecuteScalar() as string,
            cancellationToken);
}
