using System.Collections;
using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Reflection;
using Microsoft.Extensions.Logging;
using Ranvier.Server.Configuration;
using YamlDotNet.RepresentationModel;

namespace Ranvier.Server.Tests.Configuration;

public class ConfigLoaderTests
{
    private static readonly Hashtable NoEnvironment = [];

    [Fact]
    public void No_file_gives_the_embedded_defaults()
    {
        var options = ConfigLoader.FromYaml("", null, NoEnvironment);

        options.ServerName.ShouldBe("localhost:8008");
        options.ListenAddress.ShouldBe(IPAddress.Loopback);
        options.ListenPort.ShouldBe(8008);
        options.DatabaseEngine.ShouldBe(DatabaseEngine.Sqlite);
        options.DataDirectory.ShouldBe(Path.GetFullPath("./data"));
        options.SqlitePath.ShouldBe(Path.Combine(options.DataDirectory, "ranvier.db"));
        options.SigningKeyPath.ShouldBe(Path.Combine(options.DataDirectory, "signing.key"));
        options.PublicBaseUrl.ShouldBeNull();
        options.LogLevel.ShouldBe(LogLevel.Information);
        options.ConfigPath.ShouldBeNull();
    }

    [Fact]
    public void The_sample_file_parses_to_exactly_the_defaults()
    {
        var fromSample = ConfigLoader.FromYaml(SampleConfig.Text, null, NoEnvironment);
        var defaults = ConfigLoader.FromYaml("", null, NoEnvironment);

        fromSample.ShouldBe(defaults);
    }

    [Fact]
    public void Every_configuration_key_is_documented_in_the_sample()
    {
        var documented = FlattenKeys(SampleConfig.Text);
        var known = ConfigKeys.All.ToList();

        known.ShouldNotBeEmpty();
        known.Except(documented).ShouldBeEmpty("keys missing from ranvier.sample.yaml");
        documented.Except(known).ShouldBeEmpty("keys documented in ranvier.sample.yaml that the server does not read");
    }

    [Fact]
    public void Every_configuration_section_is_kept_for_the_NativeAOT_build()
    {
        // ConfigKeys reads the properties of each section class by reflection; a NativeAOT build keeps them only for the
        // classes its DynamicDependency attributes name, so a new section left out there would be "unknown" in that build.
        var kept = typeof(ConfigKeys).GetMethod("Collect", BindingFlags.NonPublic | BindingFlags.Static)!
            .GetCustomAttributes<DynamicDependencyAttribute>()
            .Select(a => a.Type)
            .ToHashSet();

        SectionTypes(typeof(RanvierConfig)).Except(kept).ShouldBeEmpty();
    }

    private static IEnumerable<Type> SectionTypes(Type type)
    {
        yield return type;
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            var propertyType = property.PropertyType;
            if (propertyType.IsClass && propertyType != typeof(string) && !typeof(IEnumerable).IsAssignableFrom(propertyType))
            {
                foreach (var nested in SectionTypes(propertyType))
                {
                    yield return nested;
                }
            }
        }
    }

    [Fact]
    public void Yaml_values_are_read()
    {
        const string yaml = """
            server_name: example.org
            listen:
              address: "::"
              port: 8448
            database:
              sqlite_synchronous: full
            well_known:
              server_delegation: matrix.example.org:443
            logging:
              format: json
              level: debug
            """;

        var options = ConfigLoader.FromYaml(yaml, "test.yaml", NoEnvironment);

        options.ServerName.ShouldBe("example.org");
        options.ListenAddress.ShouldBe(IPAddress.IPv6Any);
        options.ListenPort.ShouldBe(8448);
        options.SqliteSynchronous.ShouldBe(SqliteSynchronous.Full);
        options.WellKnownServerDelegation.ShouldBe("matrix.example.org:443");
        options.LogFormat.ShouldBe(LogFormat.Json);
        options.LogLevel.ShouldBe(LogLevel.Debug);
        options.PublicBaseUrl.ShouldBeNull();
    }

    [Fact]
    public void Environment_variables_override_the_file()
    {
        var environment = new Hashtable
        {
            ["RANVIER_SERVER_NAME"] = "env.example",
            ["RANVIER_LISTEN__PORT"] = "9000",
            ["UNRELATED"] = "ignored",
        };

        var options = ConfigLoader.FromYaml("server_name: file.example\nlisten:\n  port: 1234\n", null, environment);

        options.ServerName.ShouldBe("env.example");
        options.ListenPort.ShouldBe(9000);
    }

    [Fact]
    public void Trusted_proxies_are_a_list_of_addresses()
    {
        var options = ConfigLoader.FromYaml("listen:\n  trusted_proxies: [\"10.0.0.1\", \"::1\"]\n", null, NoEnvironment);
        options.TrustedProxies.ShouldBe([IPAddress.Parse("10.0.0.1"), IPAddress.IPv6Loopback]);

        var fromEnvironment = ConfigLoader.FromYaml("", null, new Hashtable { ["RANVIER_LISTEN__TRUSTED_PROXIES__0"] = "127.0.0.1" });
        fromEnvironment.TrustedProxies.ShouldBe([IPAddress.Loopback]);

        Should.Throw<ConfigException>(() => ConfigLoader.FromYaml("listen:\n  trusted_proxies: [proxy.example]\n", null, NoEnvironment))
            .Message.ShouldContain("listen.trusted_proxies");
    }

    [Fact]
    public void An_unknown_key_is_refused_by_name()
    {
        var error = Should.Throw<ConfigException>(() => ConfigLoader.FromYaml("listen:\n  prot: 80\n", "bad.yaml", NoEnvironment));

        error.Message.ShouldContain("prot");
        error.Message.ShouldContain("bad.yaml");
    }

    [Fact]
    public void A_value_of_the_wrong_type_is_refused_by_key()
    {
        var error = Should.Throw<ConfigException>(() => ConfigLoader.FromYaml("listen:\n  port: eighty\n", null, NoEnvironment));

        error.Message.ShouldContain("listen.port");
    }

    [Fact]
    public void Every_invalid_value_is_reported_at_once()
    {
        const string yaml = """
            server_name: "not a name"
            listen:
              address: nowhere
              port: 70000
            database:
              engine: oracle
            logging:
              level: loud
            """;

        var error = Should.Throw<ConfigException>(() => ConfigLoader.FromYaml(yaml, null, NoEnvironment));

        foreach (var key in new[] { "server_name", "listen.address", "listen.port", "database.engine", "logging.level" })
        {
            error.Message.ShouldContain(key + ":");
        }
    }

    [Fact]
    public void Malformed_yaml_is_refused_with_its_position()
    {
        var error = Should.Throw<ConfigException>(() => ConfigLoader.FromYaml("server_name: [unclosed\n", "x.yaml", NoEnvironment));

        error.Message.ShouldContain("x.yaml");
        error.Message.ShouldContain("line");
    }

    [Fact]
    public void A_missing_config_file_is_refused()
    {
        var error = Should.Throw<ConfigException>(() => ConfigLoader.Load("/nonexistent/ranvier.yaml", NoEnvironment));

        error.Message.ShouldContain("/nonexistent/ranvier.yaml");
    }

    [Theory]
    [InlineData("example.org")]
    [InlineData("example.org:8448")]
    [InlineData("1.2.3.4")]
    [InlineData("[::1]:8448")]
    public void Valid_server_names_are_accepted(string name) =>
        ConfigLoader.FromYaml($"server_name: \"{name}\"", null, NoEnvironment).ServerName.ShouldBe(name);

    [Theory]
    [InlineData("example.org:99999")]
    [InlineData("exa mple.org")]
    [InlineData("example.org:")]
    public void Invalid_server_names_are_refused(string name) =>
        Should.Throw<ConfigException>(() => ConfigLoader.FromYaml($"server_name: \"{name}\"", null, NoEnvironment))
            .Message.ShouldContain("server_name");

    private static HashSet<string> FlattenKeys(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        var keys = new HashSet<string>(StringComparer.Ordinal);
        Walk((YamlMappingNode)stream.Documents[0].RootNode, null);
        return keys;

        void Walk(YamlMappingNode map, string? prefix)
        {
            foreach (var (key, value) in map.Children)
            {
                var name = prefix is null ? ((YamlScalarNode)key).Value! : prefix + "." + ((YamlScalarNode)key).Value;
                if (value is YamlMappingNode child)
                {
                    Walk(child, name);
                }
                else
                {
                    keys.Add(name);
                }
            }
        }
    }
}
