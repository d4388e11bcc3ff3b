using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace Ranvier.Server.Services.Media;

/// <summary>
/// Pulls preview data out of an HTML page: its OpenGraph <c>og:*</c> meta properties (https://ogp.me/), with the
/// page's <c>&lt;title&gt;</c> and <c>description</c> meta tag standing in for a missing og:title and
/// og:description. Deliberately a scanner for meta tags, not an HTML parser: it never runs or fetches anything.
/// </summary>
public static partial class OpenGraph
{
    private const int MaxValueLength = 2000;
    private const int MaxProperties = 50;

    /// <summary>The og:* properties of the page (first occurrence of each wins).</summary>
    public static Dictionary<string, string> Parse(string html)
    {
        ArgumentNullException.ThrowIfNull(html);
        var properties = new Dictionary<string, string>(StringComparer.Ordinal);
        string? description = null;
        foreach (Match tag in MetaTag().Matches(html))
        {
            string? key = null;
            string? content = null;
            foreach (Match attribute in Attribute().Matches(tag.Groups["attributes"].Value))
            {
                var name = attribute.Groups["name"].Value.ToLowerInvariant();
                var value = attribute.Groups["dq"].Success ? attribute.Groups["dq"].Value
                    : attribute.Groups["sq"].Success ? attribute.Groups["sq"].Value
                    : attribute.Groups["bare"].Value;
                if (name is "property" or "name")
                {
                    key ??= value.Trim();
                }
                else if (name == "content")
                {
                    content = value;
                }
            }

            if (key is null || content is null)
            {
                continue;
            }

            if (key.StartsWith("og:", StringComparison.Ordinal) && properties.Count < MaxProperties)
            {
                properties.TryAdd(key, Clean(content));
            }
            else if (key.Equals("description", StringComparison.OrdinalIgnoreCase))
            {
                description ??= Clean(content);
            }
        }

        if (!properties.ContainsKey("og:title") && TitleTag().Match(html) is { Success: true } title && Clean(title.Groups["title"].Value) is { Length: > 0 } text)
        {
            properties["og:title"] = text;
        }

        if (!properties.ContainsKey("og:description") && description is { Length: > 0 })
        {
            properties["og:description"] = description;
        }

        return properties;
    }

    /// <summary>Decodes a page's bytes with its declared charset where .NET knows it, else UTF-8.</summary>
    public static string Decode(byte[] body, string? charset)
    {
        ArgumentNullException.ThrowIfNull(body);
        Encoding encoding = Encoding.UTF8;
        if (charset is not null)
        {
            try
            {
                encoding = Encoding.GetEncoding(charset.Trim('"', '\''));
            }
            catch (ArgumentException)
            {
                // Unknown charset: UTF-8 is the web's default and what most pages are.
            }
        }

        return encoding.GetString(body);
    }

    private static string Clean(string value)
    {
        var decoded = WebUtility.HtmlDecode(value);
        var collapsed = Whitespace().Replace(decoded, " ").Trim();
        return collapsed.Length > MaxValueLength ? collapsed[..MaxValueLength] : collapsed;
    }

    [GeneratedRegex(@"<meta\b(?<attributes>[^>]*)>", RegexOptions.IgnoreCase, matchTimeoutMilliseconds: 1000)]
    private static partial Regex MetaTag();

    [GeneratedRegex(@"(?<name>[a-zA-Z_:][-a-zA-Z0-9_:.]*)\s*=\s*(?:""(?<dq>[^""]*)""|'(?<sq>[^']*)'|(?<bare>[^\s""'=<>`]+))", RegexOptions.None, matchTimeoutMilliseconds: 1000)]
    private static partial Regex Attribute();

    [GeneratedRegex(@"<title\b[^>]*>(?<title>[^<]*)</title>", RegexOptions.IgnoreCase, matchTimeoutMilliseconds: 1000)]
    private static partial Regex TitleTag();

    [GeneratedRegex(@"\s+", RegexOptions.None, matchTimeoutMilliseconds: 1000)]
    private static partial Regex Whitespace();
}
