using System.Net;
using Ranvier.Server.Configuration;

namespace Ranvier.Server.Services.Media;

/// <summary>
/// Which addresses the server's own outbound requests (URL previews) may connect to. By default nothing
/// inside: loopback, private, link-local, carrier-grade NAT, multicast, documentation and other reserved ranges
/// are refused, so a user cannot make the server probe its own network. Configured deny ranges add to these;
/// allow ranges win over both.
/// </summary>
public sealed class OutboundAddressPolicy
{
    private static readonly IPNetwork[] BuiltInDenied =
    [
        .. new[]
        {
            "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12",
            "192.0.0.0/24", "192.0.2.0/24", "192.88.99.0/24", "192.168.0.0/16", "198.18.0.0/15", "198.51.100.0/24",
            "203.0.113.0/24", "224.0.0.0/4", "240.0.0.0/4",
            "::/128", "::1/128", "64:ff9b::/96", "64:ff9b:1::/48", "100::/64", "2001::/23", "2001:db8::/32", "2002::/16",
            "fc00::/7", "fe80::/10", "fec0::/10", "ff00::/8",
        }.Select(IPNetwork.Parse),
    ];

    private readonly IReadOnlyList<IPNetwork> denied;
    private readonly IReadOnlyList<IPNetwork> allowed;

    public OutboundAddressPolicy(UrlPreviewOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        denied = [.. BuiltInDenied, .. options.Denylist];
        allowed = options.Allowlist;
    }

    public bool IsAllowed(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        // An IPv4-mapped IPv6 address reaches the IPv4 host: judge it as that.
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (allowed.Any(range => range.Contains(address)))
        {
            return true;
        }

        return !denied.Any(range => range.Contains(address));
    }
}
