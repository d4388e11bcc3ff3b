using Ranvier.Protocol.Crypto;

namespace Ranvier.Server.Services.Accounts;

/// <summary>
/// The kinds of stored password hash: Argon2id (what Ranvier writes) and bcrypt (what Synapse wrote, kept
/// verifiable so imported accounts can log in). Which one a string is follows from its prefix.
/// </summary>
internal static class PasswordHashes
{
    public static bool Verify(string hash, string password) =>
        hash.StartsWith(Argon2id.Prefix, StringComparison.Ordinal) ? Argon2id.Verify(hash, password) : Bcrypt.Verify(hash, password);

    /// <summary>True for anything but an Argon2id hash at <paramref name="cost"/>: it is replaced after the next successful check.</summary>
    public static bool NeedsRehash(string hash, PasswordHashCost cost) =>
        !hash.StartsWith(Argon2id.Prefix, StringComparison.Ordinal) || Argon2id.NeedsRehash(hash, cost);
}
