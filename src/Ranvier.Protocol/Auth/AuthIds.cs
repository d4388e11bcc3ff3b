using System.Text;

namespace Ranvier.Protocol.Auth;

/// <summary>
/// The little identifier grammar the authorization rules need: the domain part of an ID and whether a
/// string is a user ID. Lenient on purpose: the rules must accept the historical user IDs (appendices,
/// "Historical User IDs") that old rooms contain.
/// TODO: switch to the Identifiers/ value types once they are on main.
/// </summary>
internal static class AuthIds
{
    private const int MaxIdBytes = 255;

    /// <summary>The part after the first colon (<c>@user:domain</c>, <c>!room:domain</c>, v1/v2 <c>$id:domain</c>), or null.</summary>
    public static string? Domain(string? id)
    {
        if (id is null)
        {
            return null;
        }

        var colon = id.IndexOf(':', StringComparison.Ordinal);
        return colon < 0 ? null : id[(colon + 1)..];
    }

    /// <summary>
    /// True for <c>@localpart:server</c> where the localpart is non-empty historical-grammar text (printable
    /// ASCII except colon), the server name is non-empty printable ASCII and the whole ID fits 255 bytes.
    /// </summary>
    public static bool IsUserId(string? id)
    {
        if (id is null || id.Length < 4 || id[0] != '@' || Encoding.UTF8.GetByteCount(id) > MaxIdBytes)
        {
            return false;
        }

        var colon = id.IndexOf(':', StringComparison.Ordinal);
        if (colon < 2 || colon == id.Length - 1)
        {
            return false;
        }

        for (var i = 1; i < id.Length; i++)
        {
            if (id[i] is < '!' or > '~')
            {
                return false;
            }
        }

        return true;
    }
}
