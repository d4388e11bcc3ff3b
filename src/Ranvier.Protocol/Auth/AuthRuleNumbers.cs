using System.Runtime.CompilerServices;
using Ranvier.Protocol.Rooms;

namespace Ranvier.Protocol.Auth;

/// <summary>
/// The spec numbers of the authorization rules for one room version. The rule list keeps its shape across
/// versions but rules come and go, which renumbers everything after them:
/// v1–v5 have the m.room.aliases rule (4); v1–v2 end with the redaction rule (11); v7 adds knock (member .6/.7);
/// v8 adds <c>join_authorised_via_users_server</c> (member .2) and restricted joins (join .5); v10 adds two
/// power-level type checks (.1, .2); v12 adds the room-ID rule (2) and the creators rule (power levels .4).
/// </summary>
internal sealed class AuthRuleNumbers
{
    // One instance per room-version object: the numbers are strings built once, not on every check.
    private static readonly ConditionalWeakTable<RoomVersion, AuthRuleNumbers> s_cache = [];

    private AuthRuleNumbers(RoomVersion version)
    {
        var v12 = version.RoomIdFromCreateEvent ? 1 : 0;
        var aliases = version.SpecialCaseAliasesAuth ? 1 : 0;
        var restricted = version.AllowRestrictedJoins ? 1 : 0;

        Create = "1";
        RoomIdIsCreateEvent = "2";
        AuthEvents = N(2 + v12);
        MissingCreate = version.RoomIdFromCreateEvent ? RoomIdIsCreateEvent : AuthEvents + ".4";
        Federate = N(3 + v12);
        Aliases = N(4);
        var member = 4 + aliases + v12;
        Member = N(member);
        MemberJoinAuthorisedSignature = Sub(member, 2);
        MemberJoin = Sub(member, 2 + restricted);
        MemberInvite = Sub(member, 3 + restricted);
        MemberLeave = Sub(member, 4 + restricted);
        MemberBan = Sub(member, 5 + restricted);
        MemberKnock = Sub(member, 6 + restricted);
        MemberUnknown = Sub(member, 6 + restricted + (version.AllowKnocking ? 1 : 0));
        JoinRestricted = MemberJoin + ".5";
        JoinPublic = MemberJoin + "." + N(5 + restricted);
        JoinOtherwise = MemberJoin + "." + N(6 + restricted);
        SenderJoined = N(member + 1);
        ThirdPartyInvite = N(member + 2);
        RequiredPower = N(member + 3);
        StateKeyIsSender = N(member + 4);
        var pl = member + 5;
        var ints = version.IntegerPowerLevels ? 2 : 0;
        PowerLevelsNamedIntegers = Sub(pl, 1);
        PowerLevelsMapIntegers = Sub(pl, 2);
        PowerLevelsUsers = Sub(pl, 1 + ints);
        PowerLevelsCreators = Sub(pl, 2 + ints);
        var creators = version.PrivilegedCreators ? 1 : 0;
        PowerLevelsNoPrevious = Sub(pl, 2 + ints + creators);
        PowerLevelsNamed = Sub(pl, 3 + ints + creators);
        PowerLevelsEventsOld = Sub(pl, 4 + ints + creators);
        PowerLevelsEventsNew = Sub(pl, 5 + ints + creators);
        PowerLevelsUsersOld = Sub(pl, 6 + ints + creators);
        PowerLevelsUsersNew = Sub(pl, 7 + ints + creators);
        PowerLevelsOtherwise = Sub(pl, 8 + ints + creators);
        Redaction = N(member + 6);
        Otherwise = N(member + (version.EventFormat == EventFormat.V1 ? 7 : 6));
    }

    public static AuthRuleNumbers For(RoomVersion version) => s_cache.GetValue(version, static v => new AuthRuleNumbers(v));

    public string Create { get; }

    public string RoomIdIsCreateEvent { get; }

    public string AuthEvents { get; }

    /// <summary>No create event to read: "no m.room.create among the auth events" (v1–v11) or the room-ID rule (v12).</summary>
    public string MissingCreate { get; }

    public string Federate { get; }

    public string Aliases { get; }

    public string Member { get; }

    public string MemberJoinAuthorisedSignature { get; }

    public string MemberJoin { get; }

    public string MemberInvite { get; }

    public string MemberLeave { get; }

    public string MemberBan { get; }

    public string MemberKnock { get; }

    public string MemberUnknown { get; }

    public string JoinRestricted { get; }

    public string JoinPublic { get; }

    public string JoinOtherwise { get; }

    public string SenderJoined { get; }

    public string ThirdPartyInvite { get; }

    public string RequiredPower { get; }

    public string StateKeyIsSender { get; }

    public string PowerLevelsNamedIntegers { get; }

    public string PowerLevelsMapIntegers { get; }

    public string PowerLevelsUsers { get; }

    public string PowerLevelsCreators { get; }

    public string PowerLevelsNoPrevious { get; }

    public string PowerLevelsNamed { get; }

    public string PowerLevelsEventsOld { get; }

    public string PowerLevelsEventsNew { get; }

    public string PowerLevelsUsersOld { get; }

    public string PowerLevelsUsersNew { get; }

    public string PowerLevelsOtherwise { get; }

    /// <summary>v1–v2 only.</summary>
    public string Redaction { get; }

    public string Otherwise { get; }

    private static string N(int n) => n.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static string Sub(int top, int sub) => N(top) + "." + N(sub);
}
