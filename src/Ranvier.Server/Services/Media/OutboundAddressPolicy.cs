using System.Net;
using System.Net.Sockets;
using Ranvier.Server.Configuration;

namespace Ranvier.Server.Services.Media;

/// <summary>
/// Which addresses the server's own outbound requests (URL previews, pushes to push gateways) may connect to. By
/// default nothing inside: loopback, private, link-local, carrier-grade NAT, multicast, documentation and other
/// reserved ranges are refused, so a user cannot make the server probe its own network. Configured deny ranges add
/// to these; allow ranges win over both. Each feature has its own configured ranges and so its own instance.
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
        : this((options ?? throw new ArgumentNullException(nameof(options))).Denylist, options.Allowlist)
    {
    }

    public OutboundAddressPolicy(IReadOnlyList<IPNetwork> denylist, IReadOnlyList<IPNetwork> allowlist)
    {
        ArgumentNullException.ThrowIfNull(denylist);
        ArgumentNullException.ThrowIfNull(allowlist);
        denied = [.. BuiltInDenied, .. denylist];
        allowed = allowlist;
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

    /// <summary>
    /// Resolves <paramref name="endpoint"/>'s host itself and connects to the first allowed address that answers, so
    /// the check covers what is actually dialled (no DNS rebinding between check and connect). Use it as a
    /// <see cref="SocketsHttpHandler.ConnectCallback"/>. Throws <see cref="AddressDeniedException"/> (saying the host
    /// <paramref name="refusal"/>) when every address is refused, or the last connection error.
    /// </summary>
    public async ValueTask<Stream> ConnectAsync(DnsEndPoint endpoint, string refusal, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        var host = endpoint.Host.Trim('[', ']');
        var addresses = IPAddress.TryParse(host, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, cancellationToken).ConfigureAwait(false);
        var permitted = addresses.Where(IsAllowed).ToList();
        if (permitted.Count == 0)
        {
            throw new AddressDeniedException($"The address of {host} {refusal}");
        }

        SocketException? last = null;
        foreach (var address in permitted)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, endpoint.Port), cancellationToken).ConfigureAwait(false);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch (SocketException e)
            {
                socket.Dispose();
                last = e;
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }

        throw last!;
    }
}
