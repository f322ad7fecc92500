using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace Voting.Deploy.Tests;

/// <summary>
/// Where a pod may connect under the NetworkPolicies of a manifest set, as Kubernetes decides it:
/// a pod no Egress policy selects may connect anywhere; one that some select may connect where any
/// of their rules allows. A rule with no <c>to</c> allows every destination, with no <c>ports</c>
/// every port. Destinations outside the cluster are matched only by rules without <c>to</c> or with
/// an <c>ipBlock</c> (any ipBlock counts: the engines' addresses are the operator's to fill in, and a
/// check that something cannot be reached must not trust a block it cannot evaluate).
/// </summary>
internal sealed class EgressPolicies(ManifestSet manifests)
{
    /// <summary>The NetworkPolicies that restrict the egress of pods labelled <paramref name="podLabels"/>.</summary>
    public IReadOnlyList<ManifestObject> Selecting(IReadOnlyDictionary<string, string> podLabels) =>
        manifests.OfKind("NetworkPolicy")
            .Where(policy => RestrictsEgress(policy) && LabelSelector.Matches(policy.Root.At("spec", "podSelector"), podLabels))
            .ToList();

    /// <summary>Whether pods labelled <paramref name="podLabels"/> may open a connection to <paramref name="destination"/>.</summary>
    public bool Allows(IReadOnlyDictionary<string, string> podLabels, EgressDestination destination)
    {
        var policies = Selecting(podLabels);
        return policies.Count == 0
            || policies.SelectMany(p => p.Root.At("spec", "egress").Items()).Any(rule => DestinationMatches(rule, destination) && PortMatches(rule, destination));
    }

    /// <summary>The rules that allow every port to every destination, each as "policy rule n".</summary>
    public IEnumerable<string> WideOpenRules() =>
        manifests.OfKind("NetworkPolicy").SelectMany(policy => policy.Root.At("spec", "egress").Items()
            .Select((rule, i) => (rule, i))
            .Where(r => !r.rule.Get("to").Items().Any() && !r.rule.Get("ports").Items().Any())
            .Select(r => $"{policy.Where} egress rule {r.i + 1}"));

    // Without policyTypes a policy restricts egress only if it has an egress section.
    private static bool RestrictsEgress(ManifestObject policy) =>
        policy.Root.At("spec", "policyTypes") is { } types
            ? types.Items().Any(t => t.Text() == "Egress")
            : policy.Root.At("spec", "egress") is not null;

    private static bool DestinationMatches(YamlNode rule, EgressDestination destination)
    {
        var peers = rule.Get("to").Items().ToList();
        return peers.Count == 0 || peers.Any(peer => PeerMatches(peer, destination));
    }

    private static bool PeerMatches(YamlNode peer, EgressDestination destination)
    {
        if (peer.Get("ipBlock") is not null)
        {
            return true;
        }

        if (destination.PodLabels is null)
        {
            return false; // pod and namespace selectors name pods, never a server outside the cluster
        }

        var namespaceSelector = peer.Get("namespaceSelector");
        var namespaceMatches = namespaceSelector is null
            ? destination.SameNamespace
            : LabelSelector.Matches(namespaceSelector, destination.NamespaceLabels);
        var podSelector = peer.Get("podSelector");
        return namespaceMatches && (podSelector is null || LabelSelector.Matches(podSelector, destination.PodLabels));
    }

    private static bool PortMatches(YamlNode rule, EgressDestination destination)
    {
        var ports = rule.Get("ports").Items().ToList();
        return ports.Count == 0 || ports.Any(port =>
        {
            var protocol = port.Get("protocol").Text() ?? "TCP";
            if (protocol != destination.Protocol)
            {
                return false;
            }

            var value = port.Get("port").Text();
            if (value is null)
            {
                return true; // a protocol without a port: every port of it
            }

            if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
            {
                return value == destination.PortName; // a named port: only a pod's container port of that name
            }

            var end = int.TryParse(port.Get("endPort").Text(), NumberStyles.None, CultureInfo.InvariantCulture, out var last) ? last : number;
            return destination.Port >= number && destination.Port <= end;
        });
    }
}
