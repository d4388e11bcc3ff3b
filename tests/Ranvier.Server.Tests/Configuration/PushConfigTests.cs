using System.Collections;
using System.Net;
using Ranvier.Server.Configuration;

namespace Ranvier.Server.Tests.Configuration;

public class PushConfigTests
{
    private static readonly Hashtable NoEnvironment = [];

    [Fact]
    public void By_default_no_range_is_allowed_or_added_and_a_push_may_take_ten_seconds()
    {
        var options = ConfigLoader.FromYaml("", null, NoEnvironment);

        options.Push.ShouldBe(new PushOptions());
        options.Push.Allowlist.ShouldBeEmpty();
        options.Push.Timeout.ShouldBe(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public void Push_keys_are_read()
    {
        var options = ConfigLoader.FromYaml(
            "push:\n  ip_range_allowlist:\n    - 127.0.0.1\n    - 10.1.0.0/16\n  ip_range_denylist:\n    - 203.0.114.0/24\n  timeout_seconds: 3\n", null, NoEnvironment);

        options.Push.Allowlist.ShouldBe([IPNetwork.Parse("127.0.0.1/32"), IPNetwork.Parse("10.1.0.0/16")]);
        options.Push.Denylist.ShouldBe([IPNetwork.Parse("203.0.114.0/24")]);
        options.Push.Timeout.ShouldBe(TimeSpan.FromSeconds(3));
    }

    [Fact]
    public void Bad_ranges_and_time_outs_are_refused_naming_their_keys()
    {
        var error = Should.Throw<ConfigException>(() =>
            ConfigLoader.FromYaml("push:\n  ip_range_allowlist:\n    - not-a-range\n  timeout_seconds: 0\n", null, NoEnvironment));

        error.Message.ShouldContain("push.ip_range_allowlist: 'not-a-range'");
        error.Message.ShouldContain("push.timeout_seconds");
    }
}
