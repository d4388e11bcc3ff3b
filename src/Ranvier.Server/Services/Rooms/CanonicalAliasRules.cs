using System.Text.Json.Nodes;
using Ranvier.Protocol.Events;
using Ranvier.Protocol.Json;
using Ranvier.Server.Http;
using Ranvier.Storage.Rooms;

namespace Ranvier.Server.Services.Rooms;

/// <summary>
/// Checks a client's new <c>m.room.canonical_alias</c> content before it is sent (spec: room_state.yaml, PUT
/// /rooms/{roomId}/state: "servers SHOULD ensure that any new aliases being listed in the event are valid per their
/// grammar/syntax and that they point to the room ID"; aliases already in the current event are not checked again).
/// A malformed alias is 400 M_INVALID_PARAM; a new alias that does not name this room is 400 M_BAD_ALIAS, and so is
/// a new alias on another server, which cannot be checked while rooms do not federate.
/// </summary>
public sealed class CanonicalAliasRules(IRoomDirectoryStore directory, RoomEventReader reader, RoomAliasService aliases)
{
    /// <summary>Throws the spec's 400 error when <paramref name="content"/> lists an alias it must not.</summary>
    public async Task CheckAsync(string roomId, JsonObject content, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        var current = await reader.GetCurrentStateEventAsync(roomId, EventTypes.CanonicalAlias, string.Empty, cancellationToken).ConfigureAwait(false);
        var present = current is null ? [] : Listed(current.Content, strict: false).ToHashSet(StringComparer.Ordinal);
        foreach (var alias in Listed(content, strict: true).Where(a => !present.Contains(a)).Distinct(StringComparer.Ordinal))
        {
            var parsed = RoomAliasService.Parse(alias);
            if (!aliases.IsLocal(parsed))
            {
                throw new MatrixError(400, "M_BAD_ALIAS", $"The alias '{alias}' is on another server and cannot be checked: this server does not federate yet.");
            }

            var record = await directory.GetAliasAsync(alias, cancellationToken).ConfigureAwait(false);
            if (record is null || record.RoomId != roomId)
            {
                throw new MatrixError(400, "M_BAD_ALIAS", $"The alias '{alias}' does not point to this room.");
            }
        }
    }

    /// <summary>
    /// The aliases in <c>alias</c> (absent, null and "" mean none) and <c>alt_aliases</c>. With <paramref name="strict"/>,
    /// a field of the wrong type is 400 M_INVALID_PARAM; otherwise (reading stored events) it is skipped.
    /// </summary>
    private static IEnumerable<string> Listed(JsonObject content, bool strict)
    {
        var alias = content["alias"];
        if (JsonNodeValues.GetString(alias) is { Length: > 0 } canonical)
        {
            yield return canonical;
        }
        else if (strict && alias is not null && JsonNodeValues.GetString(alias) is null)
        {
            throw MatrixError.InvalidParam("'alias' must be a string.");
        }

        switch (content["alt_aliases"])
        {
            case null:
                yield break;
            case JsonArray alternatives:
                foreach (var item in alternatives)
                {
                    if (JsonNodeValues.GetString(item) is { } text)
                    {
                        yield return text;
                    }
                    else if (strict)
                    {
                        throw MatrixError.InvalidParam("'alt_aliases' must be an array of strings.");
                    }
                }

                break;
            default:
                if (strict)
                {
                    throw MatrixError.InvalidParam("'alt_aliases' must be an array of strings.");
                }

                break;
        }
    }
}
