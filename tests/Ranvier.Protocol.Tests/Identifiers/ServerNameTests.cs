using Ranvier.Protocol.Identifiers;

namespace Ranvier.Protocol.Tests.Identifiers;

public class ServerNameTests
{
    // The spec's own examples (appendices, "Server Name").
    [Theory]
    [InlineData("matrix.org", "matrix.org", null, HostKind.DnsName)]
    [InlineData("matrix.org:8888", "matrix.org", 8888, HostKind.DnsName)]
    [InlineData("1.2.3.4", "1.2.3.4", null, HostKind.IPv4)]
    [InlineData("1.2.3.4:1234", "1.2.3.4", 1234, HostKind.IPv4)]
    [InlineData("[1234:5678::abcd]", "[1234:5678::abcd]", null, HostKind.IPv6)]
    [InlineData("[1234:5678::abcd]:5678", "[1234:5678::abcd]", 5678, HostKind.IPv6)]
    [InlineData("localhost", "localhost", null, HostKind.DnsName)]
    [InlineData("[::ffff:1.2.3.4]:65535", "[::ffff:1.2.3.4]", 65535, HostKind.IPv6)]
    public void Valid_server_names_expose_host_and_port(string value, string host, int? port, HostKind kind)
    {
        ServerName.TryParse(value, out var name).ShouldBeTrue();
        name.Host.ShouldBe(host);
        name.Port.ShouldBe(port);
        name.Kind.ShouldBe(kind);
        name.ToString().ShouldBe(value);
    }

    [Theory]
    [InlineData("")]
    [InlineData(":8080")]
    [InlineData("matrix.org:")]
    [InlineData("matrix.org:123456")]
    [InlineData("matrix.org:65536")]
    [InlineData("matrix.org:80a")]
    [InlineData("matrix_org")]
    [InlineData("mätrix.org")]
    [InlineData("1.2.3.256")]
    [InlineData("[1234:5678::abcd")]
    [InlineData("[not:an:ip]")]
    [InlineData("[1.2.3.4]")]
    [InlineData("[::1]x")]
    [InlineData("[fe80::1%eth0]")]
    [InlineData("a:b:c")]
    public void Invalid_server_names_are_rejected_with_a_reason(string value)
    {
        ServerName.TryParse(value, out _, out var error).ShouldBeFalse();
        error.ShouldNotBeNullOrEmpty();
        Should.Throw<FormatException>(() => ServerName.Parse(value));
    }

    [Fact]
    public void Dns_names_longer_than_255_characters_are_rejected()
    {
        ServerName.TryParse(new string('a', 255), out _).ShouldBeTrue();
        ServerName.TryParse(new string('a', 256), out _).ShouldBeFalse();
    }

    [Fact]
    public void Null_is_rejected_without_throwing() => ServerName.TryParse(null, out _).ShouldBeFalse();

    [Fact]
    public void Server_names_compare_case_sensitively()
    {
        ServerName.Parse("example.org").ShouldBe(ServerName.Parse("example.org"));
        ServerName.Parse("example.org").ShouldNotBe(ServerName.Parse("EXAMPLE.ORG"));
    }
}
