using System.Collections;
using Ranvier.Server.Configuration;

namespace Ranvier.Server.Tests.Configuration;

public class PresenceConfigTests
{
    private static readonly Hashtable NoEnvironment = [];

    [Fact]
    public void Presence_is_on_by_default_with_five_minutes_to_idle_and_a_minute_to_offline()
    {
        var options = ConfigLoader.FromYaml("", null, NoEnvironment);

        options.Presence.ShouldBe(new PresenceOptions { Enabled = true, IdleTimeout = TimeSpan.FromMinutes(5), OfflineTimeout = TimeSpan.FromMinutes(1) });
    }

    [Fact]
    public void Presence_keys_are_read()
    {
        var options = ConfigLoader.FromYaml("presence:\n  enabled: false\n  idle_timeout_seconds: 120\n  offline_timeout_seconds: 45\n", null, NoEnvironment);

        options.Presence.ShouldBe(new PresenceOptions { Enabled = false, IdleTimeout = TimeSpan.FromSeconds(120), OfflineTimeout = TimeSpan.FromSeconds(45) });
    }

    [Fact]
    public void Time_outs_out_of_range_are_refused_naming_their_keys()
    {
        var error = Should.Throw<ConfigException>(() =>
            ConfigLoader.FromYaml("presence:\n  idle_timeout_seconds: 0\n  offline_timeout_seconds: 9999999\n", null, NoEnvironment));

        error.Message.ShouldContain("presence.idle_timeout_seconds");
        error.Message.ShouldContain("presence.offline_timeout_seconds");
    }
}
