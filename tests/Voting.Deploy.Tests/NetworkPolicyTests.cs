using static Voting.Deploy.Tests.ClusterDestinations;

namespace Voting.Deploy.Tests;

/// <summary>
/// deploy/k8s/network-policies.yaml against the rest of the manifests: every pod's egress is an
/// allow-list, each service still reaches every engine and service it uses (at the ports the
/// manifests' own settings name), reaches no engine it does not use, and the results pods, which hold
/// the pseudonym secret, cannot reach Kafka.
/// </summary>
public sealed class NetworkPolicyTests
{
    /// <summary>What each service connects to (deploy/k8s/README.md, "What each service gets").</summary>
    private static readonly Dictionary<string, (string[] Engines, string[] Services)> Uses = new()
    {
        ["ingest"] = ([KafkaBrokers, RedisNodes, MySqlServers], []),
        ["processor"] = ([KafkaBrokers, MySqlServers, ClickHouseServers], []),
        ["results"] = ([ClickHouseServers, RedisNodes, MySqlServers], ["audit"]),
        ["audit"] = ([MySqlServers, ClickHouseServers, ChainNode], []),
        ["console"] = ([KafkaBrokers, MySqlServers, ClickHouseServers, RedisNodes, ChainNode], ["ingest", "processor", "results", "audit"]),
    };

    /// <summary>The Secret that gives a service an engine's credentials: holding them means using the engine.</summary>
    private static readonly Dictionary<string, string> CredentialsOf = new()
    {
        ["voting-mysql"] = MySqlServers,
        ["voting-redis"] = RedisNodes,
        ["voting-clickhouse"] = ClickHouseServers,
        ["voting-chain"] = ChainNode,
    };

    private static readonly EgressDestination Dns = EgressDestination.Outside("DNS", 53, "UDP");

    private readonly ManifestSet manifests = ManifestSet.LoadDirectory(RepoPaths.K8s);

    [Fact]
    public void Every_pod_connects_only_where_a_policy_allows()
    {
        var deployments = manifests.OfKind("Deployment").ToList();
        Assert.Equal(Uses.Keys.Order(StringComparer.Ordinal), deployments.Select(d => d.Name).Order(StringComparer.Ordinal));

        var policies = new EgressPolicies(manifests);
        Assert.All(deployments, d => Assert.True(policies.Selecting(d.PodLabels).Count > 0, $"{d.Where}: no NetworkPolicy restricts its egress"));
        Assert.Empty(policies.WideOpenRules());
    }

    [Fact]
    public void Every_service_reaches_DNS_and_every_engine_and_service_it_uses()
    {
        var policies = new EgressPolicies(manifests);
        var engines = Engines(manifests);
        foreach (var (service, (usedEngines, usedServices)) in Uses)
        {
            var pods = manifests.Find("Deployment", service)!.PodLabels;
            var needed = usedEngines.SelectMany(e => engines[e]).Concat(usedServices.Select(s => Service(manifests, s))).Append(Dns);
            Assert.All(needed, destination => Assert.True(policies.Allows(pods, destination), $"{service} cannot reach {destination}"));
        }
    }

    [Fact]
    public void No_service_reaches_an_engine_or_a_service_it_does_not_use()
    {
        var policies = new EgressPolicies(manifests);
        var engines = Engines(manifests);
        foreach (var (service, (usedEngines, usedServices)) in Uses)
        {
            var pods = manifests.Find("Deployment", service)!.PodLabels;
            var others = engines.Where(e => !usedEngines.Contains(e.Key)).SelectMany(e => e.Value)
                .Concat(Uses.Keys.Where(s => s != service && !usedServices.Contains(s)).Select(s => Service(manifests, s)));
            Assert.All(others, destination => Assert.False(policies.Allows(pods, destination), $"{service} can reach {destination}, which it does not use"));
        }
    }

    [Fact]
    public void The_results_pods_hold_the_pseudonym_secret_and_cannot_reach_Kafka()
    {
        var policies = new EgressPolicies(manifests);
        var results = manifests.Find("Deployment", "results")!;
        Assert.Contains(results.Containers.SelectMany(manifests.VariablesOf), v => v.StartsWith("Voting__Elections__", StringComparison.Ordinal) && v.EndsWith("__PseudonymSecret", StringComparison.Ordinal));

        var brokers = Engines(manifests)[KafkaBrokers];
        Assert.NotEmpty(brokers);
        Assert.All(brokers, broker => Assert.False(policies.Allows(results.PodLabels, broker), $"results can reach {broker}: with the pseudonym secret and the votes topic it could find a voter's choice"));
    }

    [Fact]
    public void The_table_of_what_each_service_uses_includes_every_engine_whose_credentials_it_gets()
    {
        foreach (var deployment in manifests.OfKind("Deployment"))
        {
            var secrets = deployment.Containers.SelectMany(c =>
                c.Get("envFrom").Items().Select(s => s.At("secretRef", "name").Text())
                    .Concat(c.Get("env").Items().Select(v => v.At("valueFrom", "secretKeyRef", "name").Text())));
            foreach (var engine in secrets.OfType<string>().Where(CredentialsOf.ContainsKey).Select(s => CredentialsOf[s]).Distinct())
            {
                Assert.True(Uses[deployment.Name!].Engines.Contains(engine), $"{deployment.Name} gets {engine}'s credentials, but the policy table says it does not use {engine}");
            }
        }
    }
}
