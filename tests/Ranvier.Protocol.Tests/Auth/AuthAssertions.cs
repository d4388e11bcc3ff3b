using Ranvier.Protocol.Auth;

namespace Ranvier.Protocol.Tests.Auth;

/// <summary>Assertions on the decision and on the spec rule number that made it.</summary>
internal static class AuthAssertions
{
    public static void ShouldBeRejectedBy(this AuthResult result, string rule)
    {
        result.Allowed.ShouldBeFalse($"expected rejection by rule {rule}, got: {result}");
        result.Rule.ShouldBe(rule, result.ToString());
    }

    public static void ShouldBeAllowedBy(this AuthResult result, string rule)
    {
        result.Allowed.ShouldBeTrue($"expected allowance by rule {rule}, got: {result}");
        result.Rule.ShouldBe(rule, result.ToString());
    }

    public static void ShouldBeAllowed(this AuthResult result) =>
        result.Allowed.ShouldBeTrue($"expected allowance, got: {result}");
}
