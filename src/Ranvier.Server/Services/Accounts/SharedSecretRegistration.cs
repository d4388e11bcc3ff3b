using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Ranvier.Server.Configuration;
using Ranvier.Server.Http;

namespace Ranvier.Server.Services.Accounts;

/// <summary>
/// Synapse-compatible shared-secret registration (Synapse admin API "Shared-Secret Registration", used by
/// register_new_matrix_user): a client asks for a nonce, then proves knowledge of the configured secret with
/// HMAC-SHA1 over <c>nonce\0username\0password\0admin|notadmin[\0user_type]</c>. A nonce is single use and
/// lives one minute. Nonces live in memory: a restart only makes the tool ask again.
/// </summary>
public sealed class SharedSecretRegistration(RanvierOptions options, TimeProvider time)
{
    /// <summary>How long a nonce stays usable (Synapse: 60 s).</summary>
    public static readonly TimeSpan NonceLifetime = TimeSpan.FromSeconds(60);

    private readonly ConcurrentDictionary<string, DateTimeOffset> nonces = new(StringComparer.Ordinal);

    /// <summary>Throws 400 when no secret is configured, as Synapse does.</summary>
    public void EnsureEnabled()
    {
        if (options.RegistrationSharedSecret is null)
        {
            throw new MatrixError("Shared secret registration is not enabled");
        }
    }

    /// <summary>A fresh single-use nonce.</summary>
    public string IssueNonce()
    {
        EnsureEnabled();
        RemoveExpired();
        var nonce = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        nonces[nonce] = time.GetUtcNow() + NonceLifetime;
        return nonce;
    }

    /// <summary>Spends a nonce: throws 400 M_UNKNOWN when it is unknown, used or expired.</summary>
    public void ConsumeNonce(string nonce)
    {
        ArgumentNullException.ThrowIfNull(nonce);
        RemoveExpired();
        if (!nonces.TryRemove(nonce, out var expiresAt) || expiresAt <= time.GetUtcNow())
        {
            throw new MatrixError("unrecognised nonce");
        }
    }

    /// <summary>Checks the client's hex MAC in constant time; throws 403 M_FORBIDDEN when it is wrong.</summary>
    public void VerifyMac(string mac, string nonce, string username, string password, bool admin, string? userType)
    {
        ArgumentNullException.ThrowIfNull(mac);
        var expected = ComputeMac(options.RegistrationSharedSecret!, nonce, username, password, admin, userType);
        if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(mac.ToLowerInvariant())))
        {
            throw MatrixError.Forbidden("HMAC incorrect");
        }
    }

    /// <summary>The lower-case hex HMAC-SHA1 a client sends (also used by tests and tools).</summary>
    public static string ComputeMac(string secret, string nonce, string username, string password, bool admin, string? userType)
    {
        ArgumentNullException.ThrowIfNull(secret);
        var message = string.Join('\0', userType is null
            ? [nonce, username, password, admin ? "admin" : "notadmin"]
            : new[] { nonce, username, password, admin ? "admin" : "notadmin", userType });
        return Convert.ToHexStringLower(HMACSHA1.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(message)));
    }

    private void RemoveExpired()
    {
        var now = time.GetUtcNow();
        foreach (var (nonce, expiresAt) in nonces)
        {
            if (expiresAt <= now)
            {
                nonces.TryRemove(nonce, out _);
            }
        }
    }
}
