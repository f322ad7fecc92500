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
    public IReadOnlyList<IPNetwork> Networks() => Given().Select(network => IPNetwork.Parse(network.Trim())).ToList();

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext) =>
        Given()
            .Where(network => !IsNetwork(network.Trim()))
            .Select(network => new ValidationResult(
                $"{Section}:TrustedNetworks: '{network}' is not a network in CIDR notation (such as 10.0.0.0/8, fd00::/8 or 192.0.2.10/32 for one address)."));

    /// <summary>
    /// CIDR with the host part zero: <c>10.0.0.1/8</c> is refused rather than read as <c>10.0.0.0/8</c>
    /// (a /32 meant, sixteen million addresses trusted).
    /// </summary>
    private static bool IsNetwork(string text) =>
        IPNetwork.TryParse(text, out var network)
        && text.Contains('/', StringComparison.Ordinal)
        && IPAddress.TryParse(text.AsSpan(0, text.IndexOf('/', StringComparison.Ordinal)), out var address)
        && address.Equals(network.BaseAddress);

    private IEnumerable<string> Given() => TrustedNetworks.Where(network => !string.IsNullOrWhiteSpace(network));
}
