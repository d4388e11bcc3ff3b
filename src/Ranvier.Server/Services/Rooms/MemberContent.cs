using System.Text.Json.Nodes;
using Ranvier.Server.Http;
using Ranvier.Storage.UserData;

namespace Ranvier.Server.Services.Rooms;

/// <summary>
/// The content of m.room.member events this server writes for its own users (spec: m.room.member): the
/// membership, and for joins and invites the user's current display name and avatar, so clients can show them
/// without a profile lookup.
/// </summary>
public sealed class MemberContent(IUserDataStore userData)
{
    /// <summary>Builds the content; <paramref name="reason"/> and <paramref name="isDirect"/> are added when given.</summary>
    public async Task<JsonObject> BuildAsync(string userId, string membership, string? reason, bool isDirect, CancellationToken cancellationToken)
    {
        var content = new JsonObject { ["membership"] = membership };
        if (membership is Memberships.Join or Memberships.Invite or Memberships.Knock
            && await userData.GetProfileAsync(userId, cancellationToken).ConfigureAwait(false) is { } profile)
        {
            foreach (var field in (ReadOnlySpan<string>)["displayname", "avatar_url"])
            {
                if (profile.TryGetValue(field, out var json) && StoredJson.Read(json) is JsonValue value && value.TryGetValue(out string? text))
                {
                    content[field] = text;
                }
            }
        }

        if (reason is not null)
        {
            content["reason"] = reason;
        }

        if (isDirect)
        {
            content["is_direct"] = true;
        }

        return content;
    }
}

/// <summary>The membership values of m.room.member (spec: m.room.member, "membership").</summary>
public static class Memberships
{
    public const string Join = "join";
    public const string Invite = "invite";
    public const string Leave = "leave";
    public const string Ban = "ban";
    public const string Knock = "knock";
}
