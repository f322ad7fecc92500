using System.Text.RegularExpressions;

namespace Voting.Core.Audit;

/// <summary>
/// An operator's error text made fit for the public audit API: network addresses are replaced by
/// <see cref="Address"/>. A chain node's or a driver's message may name where a server runs (a URL, an IP
/// address, a host and port); the public needs to know what failed, not where the servers are. The
/// full text stays in the service's log. Transaction and contract addresses (<c>0x…</c>) are public
/// chain data and are kept.
/// </summary>
public static partial class PublicErrorText
{
    /// <summary>What a network address is replaced by.</summary>
    public const string Address = "[address]";

    /// <summary><paramref name="text"/> with every URL, IP address and host:port replaced by <see cref="Address"/>.</summary>
    public static string Redact(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var redacted = Url().Replace(text, Address);
        redacted = Ipv6().Replace(redacted, Address);
        redacted = Ipv4().Replace(redacted, Address);
        return HostAndPort().Replace(redacted, Address);
    }

    [GeneratedRegex(@"\b[A-Za-z][A-Za-z0-9+.\-]*://[^\s'""()<>]+", RegexOptions.CultureInvariant)]
    private static partial Regex Url();

    // Bracketed (with a port or not), eight groups, or compressed with "::" — not a time of day.
    [GeneratedRegex(@"\[[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*\](?::\d{1,5})?|\b(?:[0-9A-Fa-f]{1,4}:){7}[0-9A-Fa-f]{1,4}\b|(?<![\w:])(?:[0-9A-Fa-f]{1,4}(?::[0-9A-Fa-f]{1,4})*)?::(?:[0-9A-Fa-f]{1,4}(?::[0-9A-Fa-f]{1,4})*)?(?![\w:])", RegexOptions.CultureInvariant)]
    private static partial Regex Ipv6();

    [GeneratedRegex(@"\b\d{1,3}(?:\.\d{1,3}){3}(?::\d{1,5})?\b", RegexOptions.CultureInvariant)]
    private static partial Regex Ipv4();

    [GeneratedRegex(@"\b(?:localhost|[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}):\d{1,5}\b", RegexOptions.CultureInvariant)]
    private static partial Regex HostAndPort();
}
