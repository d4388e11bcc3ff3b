using System.Buffers.Text;
using System.Diagnostics.CodeAnalysis;

namespace Ranvier.Protocol.Crypto;

/// <summary>
/// Unpadded base64 (spec: appendices, "Unpadded Base64" and "URL-safe unpadded Base64"): RFC 4648 without
/// the <c>=</c> padding. Decoding accepts input with or without padding, as the spec asks, but nothing else
/// (no whitespace, no characters of the other alphabet).
/// </summary>
public static class UnpaddedBase64
{
    public static string Encode(ReadOnlySpan<byte> data) => Convert.ToBase64String(data).TrimEnd('=');

    public static string EncodeUrlSafe(ReadOnlySpan<byte> data) => Base64Url.EncodeToString(data);

    public static bool TryDecode(string? text, [NotNullWhen(true)] out byte[]? data) => TryDecode(text, urlSafe: false, out data);

    public static bool TryDecodeUrlSafe(string? text, [NotNullWhen(true)] out byte[]? data) => TryDecode(text, urlSafe: true, out data);

    /// <summary>Decodes standard unpadded base64 or throws <see cref="FormatException"/>.</summary>
    public static byte[] Decode(string text) =>
        TryDecode(text, out var data) ? data : throw new FormatException("The value is not valid unpadded base64.");

    public static byte[] DecodeUrlSafe(string text) =>
        TryDecodeUrlSafe(text, out var data) ? data : throw new FormatException("The value is not valid URL-safe unpadded base64.");

    private static bool TryDecode(string? text, bool urlSafe, [NotNullWhen(true)] out byte[]? data)
    {
        data = null;
        if (text is null)
        {
            return false;
        }

        var body = text.AsSpan().TrimEnd('=');
        var padding = text.Length - body.Length;
        if (body.Length % 4 == 1 || padding > 2 || (padding > 0 && text.Length % 4 != 0) || !IsAlphabet(body, urlSafe))
        {
            return false;
        }

        // Re-pad into the standard alphabet so one decoder serves both.
        var padded = new char[(body.Length + 3) / 4 * 4];
        for (var i = 0; i < body.Length; i++)
        {
            padded[i] = body[i] switch
            {
                '-' => '+',
                '_' => '/',
                var c => c,
            };
        }

        padded.AsSpan(body.Length).Fill('=');
        data = Convert.FromBase64CharArray(padded, 0, padded.Length);
        return true;
    }

    private static bool IsAlphabet(ReadOnlySpan<char> body, bool urlSafe)
    {
        foreach (var c in body)
        {
            var ok = char.IsAsciiLetterOrDigit(c) || (urlSafe ? c is '-' or '_' : c is '+' or '/');
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }
}
