using Microsoft.AspNetCore.Http.Features;

namespace Ranvier.Server.Http;

/// <summary>
/// Decodes "%2F" in route values. Kestrel decodes every escape in the path except "%2F" (so that an encoded slash
/// cannot change which route matches), which leaves it in route values. Matrix identifiers in paths may hold "/":
/// state keys, transaction IDs and the base64 event IDs of room version 3. Each raw path segment is decoded
/// the way Kestrel did, to find the route values that came from it, and then decoded fully.
/// </summary>
internal sealed class EncodedSlashRouteValues(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context)
    {
        var values = context.Request.RouteValues;
        if (values.Values.Any(v => v is string s && s.Contains("%2F", StringComparison.OrdinalIgnoreCase)))
        {
            var raw = context.Features.Get<IHttpRequestFeature>()?.RawTarget;
            if (!string.IsNullOrEmpty(raw))
            {
                Decode(values, raw);
            }
            else
            {
                // No raw target (in-process test servers): the only escape left in the values is the slash.
                foreach (var (key, value) in values.ToList())
                {
                    if (value is string text)
                    {
                        values[key] = text.Replace("%2F", "/", StringComparison.OrdinalIgnoreCase);
                    }
                }
            }
        }

        return next(context);
    }

    private static void Decode(RouteValueDictionary values, string rawTarget)
    {
        var query = rawTarget.IndexOf('?', StringComparison.Ordinal);
        var path = query < 0 ? rawTarget : rawTarget[..query];
        Dictionary<string, string>? fullByPartial = null;
        foreach (var segment in path.Split('/'))
        {
            if (segment.Contains("%2F", StringComparison.OrdinalIgnoreCase))
            {
                fullByPartial ??= new Dictionary<string, string>(StringComparer.Ordinal);
                var partial = Uri.UnescapeDataString(segment.Replace("%2F", "%252F", StringComparison.OrdinalIgnoreCase));
                fullByPartial[partial] = Uri.UnescapeDataString(segment);
            }
        }

        if (fullByPartial is null)
        {
            return;
        }

        foreach (var (key, value) in values.ToList())
        {
            if (value is string text && fullByPartial.TryGetValue(text, out var full))
            {
                values[key] = full;
            }
        }
    }
}
