using System.Text.RegularExpressions;

namespace Voting.Core.Audit;

/// <summary>
/// An operator's error text made fit for the public audit API: network addresses are replaced by
/// <see cref="Address"/>. A chain node's or a driver's message may name where a server runs (a URL, an IP
/// address, a host and port); the public needs to know what failed, not where the servers are. The
/// full text stays in the service's log. Transaction and contract addresses (<c>0x…</c>), times of day,
/// version numbers and source positions are kept. A host named without a port is not recognised.
/// </summary>
public static partial class PublicErrorText
{
    /// <summary>What a network address is replaced by.</summary>
    public const string Address = "[address]";

    /// <summary>What the whole text is replaced by when it could not be checked in time.</summary>
    public const string Withheld = "(the error text is withheld: it could not be checked for network addresses)";

    private const int MatchTimeoutMilliseconds = 1_000;

    /// <summary><paramref name="text"/> with every URL, IP address and host:port replaced by <see cref="Address"/>.</summary>
    public static string Redact(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        try
        {
            var redacted = Url().Replace(text, Address);
            redacted = Ipv6().Replace(redacted, Address);
            redacted = Ipv4().Replace(redacted, Address);
            return HostAndPort().Replace(redacted, Address);
        }
        catch (RegexMatchTimeoutException)
        {
            return Withheld;
        }
    }

    // A scheme, then everything up to a space, a quote or a bracket; trailing punctuation is the sentence's.
    [GeneratedRegex(@"\b[A-Za-z][A-Za-z0-9+.\-]*://[^\s'""()<>]*[^\s'""()<>.,;:!?]", RegexOptions.CultureInvariant, MatchTimeoutMilliseconds)]
    private static partial Regex Url();

    // Bracketed (with a port or not) when it holds "::" or eight groups; unbracketed with an IPv4 tail
    // (::ffff:10.0.0.1), as eight groups, or compressed with "::". A time of day ([08:30:15]) is none of these.
    [GeneratedRegex(
        @"\[(?=[0-9A-Fa-f:.]*::|(?:[0-9A-Fa-f]{1,4}:){7})[0-9A-Fa-f:.]+(?:%\w+)?\](?::\d{1,5})?" +
        @"|(?<![\w:.])(?:[0-9A-Fa-f]{0,4}:){2,6}\d{1,3}(?:\.\d{1,3}){3}\b" +
        @"|\b(?:[0-9A-Fa-f]{1,4}:){7}[0-9A-Fa-f]{1,4}\b" +
        @"|(?<![\w:])(?:[0-9A-Fa-f]{1,4}(?::[0-9A-Fa-f]{1,4})*)?::(?:[0-9A-Fa-f]{1,4}(?::[0-9A-Fa-f]{1,4})*)?(?![\w:])",
        RegexOptions.CultureInvariant,
        MatchTimeoutMilliseconds)]
    private static partial Regex Ipv6();

    // Four numbers with a port or not, unless a version ("Version=4.19.0.0", "v1.2.3.4").
    [GeneratedRegex(@"(?<!(?:[Vv]ersion[= ]?|\bv))\b\d{1,3}(?:\.\d{1,3}){3}(?::\d{1,5})?\b", RegexOptions.CultureInvariant, MatchTimeoutMilliseconds)]
    private static partial Regex Ipv4();

    // localhost, a dotted name ending in letters (not a source file: File.cs:42), or one label
    // (a service name: anvil:8545), each followed by a port.
    [GeneratedRegex(
        @"(?<![\w.\-])(?:localhost|[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.(?!(?:cs|fs|vb|sol|js|ts|py|json|yaml|yml|razor|sh):)[A-Za-z]{2,}|[A-Za-z][A-Za-z0-9\-]*):\d{2,5}\b",
        RegexOptions.CultureInvariant,
        MatchTimeoutMilliseconds)]
    private static partial Regex HostAndPort();
}
