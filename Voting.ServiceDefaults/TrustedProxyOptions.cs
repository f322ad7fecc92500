using System.ComponentModel.DataAnnotations;
using System.Net;

namespace Voting.ServiceDefaults;

/// <summary>
/// The proxies in front of a service (load balancer, ingress controller) whose <c>X-Forwarded-For</c>
/// it believes, so that its per-client limits count voters and operators rather than the proxy, and
/// its logs name them. Section <c>Voting:Proxies</c>.
/// </summary>
public sealed class TrustedProxyOptions : IValidatableObject
{
    public const string Section = "Voting:Proxies";

    /// <summary>
    /// The networks the proxies connect from, in CIDR notation (<c>10.0.0.0/8</c>, <c>fd00::/8</c>,
    /// <c>192.0.2.10/32</c>). Empty, the default: clients connect directly, and <c>X-Forwarded-For</c>
    /// is ignored (any client could write one). Blank entries are skipped, so a deployment without a
    /// proxy can leave its placeholder empty.
    /// </summary>
    public List<string> TrustedNetworks { get; set; } = [];

    /// <summary>The parsed <see cref="TrustedNetworks"/> (valid once the options are validated).</summary>
    public IReadOnlyList<IPNetwork> Networks() => [.. Given().Select(network => TryParse(network, out var parsed) ? parsed : throw new FormatException($"'{network}' is not a network in CIDR notation"))];

    /// <summary>The widest network accepted, IPv4 or IPv6 (IPv4 addresses written as IPv6: a /104).</summary>
    public const int WidestPrefix = 8;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var given in Given())
        {
            if (!TryParse(given, out var network))
            {
                yield return new ValidationResult(
                    $"{Section}:TrustedNetworks: '{given}' is not a network in CIDR notation (such as 10.0.0.0/8, fd00::/8 or 192.0.2.10/32 for one address).");
            }
            else if (TooWide(network) is { } why)
            {
                yield return new ValidationResult(
                    $"{Section}:TrustedNetworks: '{given}' {why}: anyone in it could name any client in X-Forwarded-For; list your proxies' own network.");
            }
        }
    }

    /// <summary>
    /// Why <paramref name="network"/> is wider than a proxy's network can sensibly be, or null. IPv4
    /// addresses written as IPv6 (<c>::ffff:0:0/96</c>, what a dual-stack socket reports) count by their IPv4 part.
    /// </summary>
    private static string? TooWide(IPNetwork network)
    {
        if (network.PrefixLength < WidestPrefix)
        {
            return $"is wider than a /{WidestPrefix}";
        }

        if (network.BaseAddress.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork)
        {
            return null;
        }

        // (IPNetwork.Contains does not look at IPv4-mapped addresses: compared bit by bit here.)
        var mappedRange = IPAddress.Parse("::ffff:0.0.0.0");
        if (network.PrefixLength <= 96 && SamePrefix(network.BaseAddress, mappedRange, network.PrefixLength))
        {
            return "holds every IPv4 address (as a dual-stack socket writes them, ::ffff:0:0/96)";
        }

        return SamePrefix(network.BaseAddress, mappedRange, 96) && network.PrefixLength < 96 + WidestPrefix
            ? $"is wider than an IPv4 /{WidestPrefix} (an IPv4-mapped network needs a prefix of at least {96 + WidestPrefix})"
            : null;
    }

    private static bool SamePrefix(IPAddress a, IPAddress b, int bits)
    {
        var x = a.GetAddressBytes();
        var y = b.GetAddressBytes();
        for (var bit = 0; bit < bits; bit++)
        {
            var mask = 0x80 >> (bit % 8);
            if ((x[bit / 8] & mask) != (y[bit / 8] & mask))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// <paramref name="given"/> (spaces around it ignored) as CIDR with the host part zero: <c>10.0.0.1/8</c>
    /// is refused rather than read as <c>10.0.0.0/8</c> (a /32 meant, sixteen million addresses trusted).
    /// </summary>
    private static bool TryParse(string given, out IPNetwork network)
    {
        var text = given.Trim();
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        return IPNetwork.TryParse(text, out network)
               && slash > 0
               && IPAddress.TryParse(text.AsSpan(0, slash), out var address)
               && address.Equals(network.BaseAddress);
    }

    private IEnumerable<string> Given() => TrustedNetworks.Where(network => !string.IsNullOrWhiteSpace(network));
}
