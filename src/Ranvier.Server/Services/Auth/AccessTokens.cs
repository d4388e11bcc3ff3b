using System.Security.Cryptography;
using System.Text;

namespace Ranvier.Server.Services.Auth;

/// <summary>
/// Access and refresh tokens are random strings handed to the client once; the store keeps only their SHA-256, so a
/// leaked database does not leak usable tokens. A token has 256 bits of entropy, so a plain hash suffices.
/// </summary>
public static class AccessTokens
{
    private const string AccessPrefix = "rvat_";
    private const string RefreshPrefix = "rvrt_";
    private const string LoginPrefix = "rvlt_";

    /// <summary>A fresh access token: a recognisable prefix and 32 random bytes in URL-safe base64.</summary>
    public static string Generate() => AccessPrefix + Base64UrlEncode(RandomNumberGenerator.GetBytes(32));

    /// <summary>A fresh refresh token, built like an access token but with its own prefix.</summary>
    public static string GenerateRefresh() => RefreshPrefix + Base64UrlEncode(RandomNumberGenerator.GetBytes(32));

    /// <summary>A fresh single-use login token (m.login.token).</summary>
    public static string GenerateLogin() => LoginPrefix + Base64UrlEncode(RandomNumberGenerator.GetBytes(32));

    /// <summary>The SHA-256 of the token's UTF-8 bytes, the form in which it is stored and looked up.</summary>
    public static byte[] Hash(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        var max = Encoding.UTF8.GetMaxByteCount(token.Length);
        var rented = max <= 256 ? null : System.Buffers.ArrayPool<byte>.Shared.Rent(max);
        Span<byte> buffer = rented ?? stackalloc byte[256];
        try
        {
            var length = Encoding.UTF8.GetBytes(token, buffer);
            return SHA256.HashData(buffer[..length]);
        }
        finally
        {
            if (rented is not null)
            {
                System.Buffers.ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    private static string Base64UrlEncode(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
