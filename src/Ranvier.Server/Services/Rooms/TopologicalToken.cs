using System.Globalization;
using Ranvier.Server.Http;
using Ranvier.Storage.Rooms;

namespace Ranvier.Server.Services.Rooms;

/// <summary>
/// The pagination token of the relations and threads APIs: a topological position written "t{depth}_{event_nid}".
/// Opaque to clients; a token this server did not write answers 400 M_INVALID_PARAM.
/// </summary>
public static class TopologicalToken
{
    public static string Format(TopologicalPosition position) =>
        string.Create(CultureInfo.InvariantCulture, $"t{position.Depth}_{position.EventNid}");

    /// <summary>Null for a missing token; throws 400 M_INVALID_PARAM for a malformed one.</summary>
    public static TopologicalPosition? Parse(string? token, string parameter)
    {
        if (token is null)
        {
            return null;
        }

        var separator = token.IndexOf('_', StringComparison.Ordinal);
        if (token.Length < 4 || token[0] != 't' || separator < 2
            || !long.TryParse(token.AsSpan(1, separator - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var depth)
            || !long.TryParse(token.AsSpan(separator + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var nid))
        {
            throw MatrixError.InvalidParam($"Unknown pagination token in '{parameter}'.");
        }

        return new TopologicalPosition(depth, nid);
    }
}
