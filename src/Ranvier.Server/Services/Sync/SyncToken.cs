using System.Globalization;

namespace Ranvier.Server.Services.Sync;

/// <summary>
/// A /sync <c>since</c>/<c>next_batch</c> token (opaque to clients): the global stream position and the typing
/// position it covers, written <c>s&lt;stream&gt;_&lt;typing&gt;</c>. Both survive a restart (see
/// <see cref="StreamNotifier"/>). The <c>s&lt;stream&gt;</c> prefix is also what <c>/messages</c> accepts.
/// </summary>
public readonly record struct SyncToken(long Stream, long Typing)
{
    /// <summary>Parses a token; false when it is not one this server hands out.</summary>
    public static bool TryParse(string? text, out SyncToken token)
    {
        token = default;
        if (text is null || text.Length < 4 || text[0] != 's')
        {
            return false;
        }

        var separator = text.IndexOf('_', StringComparison.Ordinal);
        if (separator < 2
            || !long.TryParse(text.AsSpan(1, separator - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var stream)
            || !long.TryParse(text.AsSpan(separator + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var typing))
        {
            return false;
        }

        token = new SyncToken(stream, typing);
        return true;
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"s{Stream}_{Typing}");
}
