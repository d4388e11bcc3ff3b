using System.Collections;
using Ranvier.Server.Configuration;

namespace Ranvier.Server.Tests.Configuration;

public class RegistrationConfigTests
{
    private static readonly Hashtable NoEnvironment = [];

    [Fact]
    public void Token_mode_guests_secret_and_rate_limits_are_read()
    {
        var options = ConfigLoader.FromYaml(
            """
            registration:
              mode: token
              allow_guests: true
              shared_secret: "0123456789abcdef"
            rate_limits:
              login_per_account:
                per_second: 0.25
                burst: 4
            """,
            null,
            NoEnvironment);

        options.RegistrationMode.ShouldBe(RegistrationMode.Token);
        options.AllowGuests.ShouldBeTrue();
        options.RegistrationSharedSecret.ShouldBe("0123456789abcdef");
        options.LoginPerAccount.ShouldBe(new RateLimit(0.25, 4));
    }

    [Fact]
    public void Guests_and_shared_secret_registration_are_off_by_default()
    {
        var options = ConfigLoader.FromYaml("", null, NoEnvironment);

        options.AllowGuests.ShouldBeFalse();
        options.RegistrationSharedSecret.ShouldBeNull();
    }

    [Theory]
    [InlineData("rate_limits:\n  login_per_ip:\n    per_second: 0\n", "rate_limits.login_per_ip.per_second")]
    [InlineData("rate_limits:\n  registration_per_ip:\n    burst: 0\n", "rate_limits.registration_per_ip.burst")]
    [InlineData("registration:\n  shared_secret: short\n", "registration.shared_secret")]
    [InlineData("registration:\n  mode: invite\n", "registration.mode")]
    public void Bad_values_are_refused_naming_the_key(string yaml, string key)
    {
        var error = Should.Throw<ConfigException>(() => ConfigLoader.FromYaml(yaml, null, NoEnvironment));

        error.Message.ShouldContain(key);
    }
}
