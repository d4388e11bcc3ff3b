namespace Ranvier.Protocol.Auth;

/// <summary>The <c>membership</c> values of m.room.member (spec: client-server API, m.room.member).</summary>
internal static class Membership
{
    public const string Join = "join";
    public const string Invite = "invite";
    public const string Leave = "leave";
    public const string Ban = "ban";
    public const string Knock = "knock";
}

/// <summary>The <c>join_rule</c> values of m.room.join_rules (spec: client-server API, m.room.join_rules).</summary>
internal static class JoinRule
{
    public const string Public = "public";
    public const string Invite = "invite";
    public const string Knock = "knock";
    public const string Restricted = "restricted";
    public const string KnockRestricted = "knock_restricted";
}

/// <summary>Content keys the authorization rules read.</summary>
internal static class AuthKeys
{
    public const string Membership = "membership";
    public const string JoinRule = "join_rule";
    public const string JoinAuthorisedVia = "join_authorised_via_users_server";
    public const string ThirdPartyInvite = "third_party_invite";
    public const string Federate = "m.federate";
}
