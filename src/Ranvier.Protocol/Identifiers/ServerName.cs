using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Ranvier.Protocol.Identifiers;

/// <summary>What kind of host a <see cref="ServerName"/> names.</summary>
public enum HostKind
{
    DnsName,
    IPv4,
    IPv6,
}

/// <summary>
/// A homeserver's name: <c>hostname [":" port]</c> where the hostname is a DNS name, a dotted-quad IPv4
/// literal or a bracketed IPv6 literal (spec: appendices, "Server Name"). Compared case-sensitively, as the
/// spec requires.
/// </summary>
public readonly record struct ServerName : IParsable<ServerName>
{
    private const int MaxDnsNameLength = 255;

    private ServerName(string value, string host, int? port, HostKind kind)
    {
        Value = value;
        Host = host;
        Port = port;
        Kind = kind;
    }

    /// <summary>The server name as written.</summary>
    public string Value { get; }

    /// <summary>The host part as written; an IPv6 literal keeps its brackets (as in a URL authority).</summary>
    public string Host { get; }

    /// <summary>The explicit port, or null when none was given.</summary>
    public int? Port { get; }

    public HostKind Kind { get; }

    public static bool TryParse([NotNullWhen(true)] string? value, out ServerName result) => TryParse(value, out result, out _);

    /// <summary>Parses a server name, giving the reason when it is invalid.</summary>
    public static bool TryParse([NotNullWhen(true)] string? value, out ServerName result, [NotNullWhen(false)] out string? error)
    {
        result = default;
        if (string.IsNullOrEmpty(value))
        {
            error = "server name is empty";
            return false;
        }

        // The port separator is the last ':' outside an IPv6 literal's brackets.
        var hostEnd = value.Length;
        if (value[0] == '[')
        {
            hostEnd = value.IndexOf(']', StringComparison.Ordinal) + 1;
            if (hostEnd == 0)
            {
                error = "IPv6 literal has no closing ']'";
                return false;
            }
        }
        else
        {
            var colon = value.IndexOf(':', StringComparison.Ordinal);
            if (colon >= 0)
            {
                hostEnd = colon;
            }
        }

        int? port = null;
        if (hostEnd < value.Length)
        {
            if (value[hostEnd] != ':' || !TryParsePort(value.AsSpan(hostEnd + 1), out var p))
            {
                error = "port must be 1 to 5 digits in 0-65535";
                return false;
            }

            port = p;
        }

        var host = value[..hostEnd];
        HostKind kind;
        if (host.StartsWith('['))
        {
            if (!IsIPv6Literal(host.AsSpan(1, host.Length - 2)))
            {
                error = "invalid IPv6 literal";
                return false;
            }

            kind = HostKind.IPv6;
        }
        else if (LooksLikeIPv4(host))
        {
            if (!IsIPv4Literal(host))
            {
                error = "IPv4 literal octets must be 0-255";
                return false;
            }

            kind = HostKind.IPv4;
        }
        else if (IsDnsName(host))
        {
            kind = HostKind.DnsName;
        }
        else
        {
            error = "hostname may only contain letters, digits, '-' and '.' (1-255 characters)";
            return false;
        }

        result = new ServerName(value, host, port, kind);
        error = null;
        return true;
    }

    /// <summary>Parses a server name or throws <see cref="FormatException"/>.</summary>
    public static ServerName Parse(string value) =>
        TryParse(value, out var result, out var error) ? result : throw new FormatException($"Invalid server name '{value}': {error}.");

    static ServerName IParsable<ServerName>.Parse(string s, IFormatProvider? provider) => Parse(s);

    static bool IParsable<ServerName>.TryParse([NotNullWhen(true)] string? s, IFormatProvider? provider, out ServerName result) =>
        TryParse(s, out result);

    public override string ToString() => Value ?? string.Empty;

    private static bool TryParsePort(ReadOnlySpan<char> digits, out int port)
    {
        port = 0;
        return digits.Length is >= 1 and <= 5 && IsAllDigits(digits)
            && int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out port) && port <= 65535;
    }

    private static bool IsAllDigits(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return true;
    }

    // Four dot-separated runs of digits: such a name is an IPv4 literal and must be a valid one.
    private static bool LooksLikeIPv4(string host)
    {
        var parts = host.Split('.');
        return parts.Length == 4 && parts.All(p => p.Length > 0 && IsAllDigits(p));
    }

    private static bool IsIPv4Literal(string host) =>
        host.Split('.').All(p => p.Length <= 3 && int.Parse(p, NumberStyles.None, CultureInfo.InvariantCulture) <= 255);

    // IPv6address = 2*45IPv6char, and it must also be a real RFC 3513 address.
    private static bool IsIPv6Literal(ReadOnlySpan<char> address)
    {
        if (address.Length is < 2 or > 45)
        {
            return false;
        }

        foreach (var c in address)
        {
            if (!char.IsAsciiHexDigit(c) && c is not (':' or '.'))
            {
                return false;
            }
        }

        return IPAddress.TryParse(address, out var ip) && ip.AddressFamily == AddressFamily.InterNetworkV6;
    }

    private static bool IsDnsName(string host)
    {
        if (host.Length is 0 or > MaxDnsNameLength)
        {
            return false;
        }

        foreach (var c in host)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('-' or '.'))
            {
                return false;
            }
        }

        return true;
    }
}
