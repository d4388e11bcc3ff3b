namespace Ranvier.Protocol.Auth;

/// <summary>
/// The outcome of the authorization rules for one event. <see cref="Rule"/> is the number of the rule that
/// decided, exactly as the room version's spec page numbers it (e.g. <c>"5.3.3"</c> in v1 is
/// "If the sender is banned, reject"), so a rejection can be read side by side with the spec.
/// </summary>
public readonly record struct AuthResult(bool Allowed, string Rule, string Reason)
{
    public bool Rejected => !Allowed;

    public static AuthResult Allow(string rule, string reason) => new(true, rule, reason);

    public static AuthResult Reject(string rule, string reason) => new(false, rule, reason);

    public override string ToString() => $"{(Allowed ? "allowed" : "rejected")} by rule {Rule}: {Reason}";
}
