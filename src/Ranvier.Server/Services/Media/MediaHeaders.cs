using System.Net.Http.Headers;
using System.Text;

namespace Ranvier.Server.Services.Media;

/// <summary>
/// The headers every media response carries (spec: content repository, "Serving inline content" and the
/// Content-Security-Policy it recommends): inline only for types a browser cannot turn into script,
/// a sandboxing policy, no MIME sniffing, and a file name that cannot break out of its header.
/// </summary>
public static class MediaHeaders
{
    /// <summary>The policy the spec recommends for served content.</summary>
    public const string ContentSecurityPolicy =
        "sandbox; default-src 'none'; script-src 'none'; plugin-types application/pdf; style-src 'unsafe-inline'; object-src 'self';";

    // Spec: the types servers may serve with Content-Disposition: inline.
    private static readonly HashSet<string> InlineTypes = new(StringComparer.OrdinalIgnoreCase)
    {
        "text/css", "text/plain", "text/csv", "application/json", "application/ld+json",
        "image/jpeg", "image/gif", "image/png", "image/apng", "image/webp", "image/avif",
        "video/mp4", "video/webm", "video/ogg", "video/quicktime",
        "audio/mp4", "audio/webm", "audio/aac", "audio/mpeg", "audio/ogg", "audio/wave", "audio/wav",
        "audio/x-wav", "audio/x-pn-wav", "audio/flac", "audio/x-flac",
    };

    /// <summary>Whether content of this type may be served inline.</summary>
    public static bool IsInlineSafe(string? contentType) =>
        contentType is not null && MediaTypeHeaderValue.TryParse(contentType, out var parsed)
        && parsed.MediaType is { } type && InlineTypes.Contains(type);

    /// <summary>The Content-Disposition value: inline or attachment by type, with the sanitised file name if any.</summary>
    public static string ContentDisposition(string? contentType, string? fileName)
    {
        var disposition = new StringBuilder(IsInlineSafe(contentType) ? "inline" : "attachment");
        var name = SanitiseFileName(fileName);
        if (name.Length > 0)
        {
            if (name.All(c => c is >= ' ' and < '\x7f' and not '"' and not '\\'))
            {
                disposition.Append("; filename=\"").Append(name).Append('"');
            }
            else
            {
                // RFC 6266 / RFC 8187: a UTF-8, percent-encoded name for anything beyond plain ASCII.
                disposition.Append("; filename*=utf-8''").Append(Uri.EscapeDataString(name));
            }
        }

        return disposition.ToString();
    }

    /// <summary>
    /// The file name without control characters and path separators (which could split the header or name
    /// a path on the client's disk); empty when nothing is left.
    /// </summary>
    public static string SanitiseFileName(string? fileName)
    {
        if (string.IsNullOrEmpty(fileName))
        {
            return "";
        }

        var clean = new StringBuilder(fileName.Length);
        foreach (var rune in fileName.EnumerateRunes())
        {
            if (Rune.IsControl(rune) || rune.Value is '/' or '\\' || rune.Utf16SequenceLength == 0)
            {
                continue;
            }

            clean.Append(rune.ToString());
        }

        return clean.ToString().Trim().Trim('.');
    }

    /// <summary>Sets the headers shared by every media response.</summary>
    public static void ApplySafetyHeaders(IHeaderDictionary headers)
    {
        ArgumentNullException.ThrowIfNull(headers);
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers["Cross-Origin-Resource-Policy"] = "cross-origin";
    }
}
