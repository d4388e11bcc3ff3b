using System.Security.Cryptography;
using Ranvier.Protocol.Identifiers;
using Ranvier.Server.Http;

namespace Ranvier.Server.Services.Media;

/// <summary>
/// The two parts of an <c>mxc://{Origin}/{MediaId}</c> URI, validated as the spec's security considerations
/// require (content repository): a valid server name, and a media ID of only <c>A-Za-z0-9_-</c>, so neither can
/// traverse paths.
/// </summary>
public readonly record struct MediaKey(string Origin, string MediaId)
{
    private const int MaxMediaIdLength = 255;
    private const string IdAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    /// <summary>A new random media ID on <paramref name="origin"/> (24 characters, about 143 bits).</summary>
    public static MediaKey NewLocal(string origin) => new(origin, RandomNumberGenerator.GetString(IdAlphabet, 24));

    /// <summary>Parses path segments; anything invalid is 404 M_NOT_FOUND, since no such media can exist.</summary>
    public static MediaKey Parse(string serverName, string mediaId)
    {
        if (!ServerName.TryParse(serverName, out _) || !IsValidMediaId(mediaId))
        {
            throw MatrixError.NotFound("No such media");
        }

        return new MediaKey(serverName, mediaId);
    }

    public static bool IsValidMediaId(string mediaId) =>
        mediaId.Length is > 0 and <= MaxMediaIdLength && mediaId.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-');

    public override string ToString() => $"mxc://{Origin}/{MediaId}";
}
