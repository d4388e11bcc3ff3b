using System.Globalization;
using Ranvier.Server.Http;
using Ranvier.Server.Services.Sync;
using Ranvier.Storage.Rooms;

namespace Ranvier.Server.Services.Rooms;

/// <summary>
/// The pagination tokens of a room's timeline (spec: GET /rooms/{roomId}/messages, <c>from</c>/<c>to</c>; the tokens
/// are opaque to clients). <c>t&lt;depth&gt;_&lt;nid&gt;</c> is a topological gap (<see cref="TopologicalPosition"/>);
/// <c>s&lt;position&gt;</c> is a stream position as /sync hands out in <c>prev_batch</c> (a whole /sync
/// <see cref="SyncToken"/> is accepted too), converted to a topological gap
/// when used. Anything else is 400 M_INVALID_PARAM.
/// </summary>
public readonly record struct TimelineToken
{
    private TimelineToken(TopologicalPosition? topological, long stream)
    {
        Topological = topological;
        StreamPosition = stream;
    }

    /// <summary>The topological gap, or null for a stream token.</summary>
    public TopologicalPosition? Topological { get; }

    /// <summary>The stream position of a stream token (meaningless for a topological one).</summary>
    public long StreamPosition { get; }

    public static TimelineToken Of(TopologicalPosition position) => new(position, 0);

    public static TimelineToken OfStream(long position) => new(null, position);

    /// <summary>Parses a token from a request; 400 M_INVALID_PARAM naming <paramref name="parameter"/> when it is malformed.</summary>
    public static TimelineToken Parse(string token, string parameter)
    {
        ArgumentNullException.ThrowIfNull(token);
        if (token.Length > 1 && token[0] == 's' && long.TryParse(token.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out var stream))
        {
            return OfStream(stream);
        }

        if (SyncToken.TryParse(token, out var syncToken))
        {
            return OfStream(syncToken.Stream);
        }

        var separator = token.IndexOf('_', StringComparison.Ordinal);
        if (token.Length > 1 && token[0] == 't' && separator > 1
            && long.TryParse(token.AsSpan(1, separator - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var depth)
            && long.TryParse(token.AsSpan(separator + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var nid))
        {
            return Of(new TopologicalPosition(depth, nid));
        }

        throw MatrixError.InvalidParam($"{parameter} is not a valid pagination token.");
    }

    /// <summary>The topological gap this token stands for in a room (a stream token is looked up).</summary>
    public async Task<TopologicalPosition> ResolveAsync(IRoomEventStore store, string roomId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        return Topological ?? await store.GetTopologicalPositionAtStreamAsync(roomId, StreamPosition, cancellationToken).ConfigureAwait(false);
    }

    public override string ToString() => Topological is { } t
        ? string.Create(CultureInfo.InvariantCulture, $"t{t.Depth}_{t.EventNid}")
        : string.Create(CultureInfo.InvariantCulture, $"s{StreamPosition}");
}
