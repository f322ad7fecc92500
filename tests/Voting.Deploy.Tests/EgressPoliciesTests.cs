namespace Voting.Deploy.Tests;

/// <summary>The egress evaluator decides as Kubernetes does, so NetworkPolicyTests can fail for the right reasons.</summary>
public sealed class EgressPoliciesTests
{
    private static readonly Dictionary<string, string> Results = new() { ["app"] = "results" };
    private static readonly Dictionary<string, string> Audit = new() { ["app"] = "audit" };

    private static EgressPolicies Load(string yaml) => new(ManifestSet.Parse([("test.yaml", yaml)]));

    private static string Policy(string egress, string selector = "matchLabels: { app: results }", string types = "policyTypes: [Egress]") => $$"""
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata:
          name: p
        spec:
          podSelector: { {{selector}} }
          {{types}}
          egress:
        {{egress}}
        """;

    [Fact]
    public void A_pod_no_policy_selects_may_connect_anywhere()
    {
        var policies = Load(Policy("    - ports: [{ port: 3306 }]", selector: "matchLabels: { app: audit }"));

        Assert.True(policies.Allows(Results, EgressDestination.Outside("kafka", 9092)));
        Assert.False(policies.Allows(Audit, EgressDestination.Outside("kafka", 9092)));
    }

    [Fact]
    public void A_port_rule_allows_that_port_and_protocol_only()
    {
        var policies = Load(Policy("""
                - ports:
                    - { port: 3306 }
                    - { port: 53, protocol: UDP }
                    - { port: 9000, endPort: 9010, protocol: TCP }
            """));

        Assert.True(policies.Allows(Results, EgressDestination.Outside("mysql", 3306)));
        Assert.True(policies.Allows(Results, EgressDestination.Outside("dns", 53, "UDP")));
        Assert.False(policies.Allows(Results, EgressDestination.Outside("dns over tcp", 53)));
        Assert.True(policies.Allows(Results, EgressDestination.Outside("in range", 9005)));
        Assert.False(policies.Allows(Results, EgressDestination.Outside("kafka", 9092)));
    }

    [Fact]
    public void A_pod_selector_reaches_those_pods_and_no_server_outside_the_cluster()
    {
        var policies = Load(Policy("""
                - to:
                    - podSelector:
                        matchExpressions:
                          - { key: app, operator: In, values: [audit] }
                  ports: [{ port: http }]
            """));
        var audit = new EgressDestination("audit", 8080, PodLabels: Audit, PortName: "http");

        Assert.True(policies.Allows(Results, audit));
        Assert.False(policies.Allows(Results, audit with { PortName = "metrics" }));
        Assert.False(policies.Allows(Results, audit with { PodLabels = Results }));
        Assert.False(policies.Allows(Results, audit with { SameNamespace = false }));
        Assert.False(policies.Allows(Results, EgressDestination.Outside("anything", 8080)));
    }

    [Fact]
    public void An_ip_block_is_taken_to_reach_any_server_outside()
    {
        var policies = Load(Policy("""
                - to: [{ ipBlock: { cidr: 10.0.0.0/8 } }]
                  ports: [{ port: 9092 }]
            """));

        Assert.True(policies.Allows(Results, EgressDestination.Outside("kafka", 9092)));
    }

    [Fact]
    public void A_rule_without_ports_or_destinations_opens_everything_and_is_reported()
    {
        var policies = Load(Policy("    - {}"));

        Assert.True(policies.Allows(Results, EgressDestination.Outside("kafka", 9092)));
        Assert.Single(policies.WideOpenRules());
    }

    [Fact]
    public void Only_a_policy_of_type_Egress_restricts_egress()
    {
        Assert.True(Load(Policy("    - ports: [{ port: 3306 }]", types: "policyTypes: [Ingress]")).Allows(Results, EgressDestination.Outside("kafka", 9092)));
        Assert.False(Load(Policy("    - ports: [{ port: 3306 }]", types: "")).Allows(Results, EgressDestination.Outside("kafka", 9092)));
        Assert.False(Load(Policy("    []", selector: "")).Allows(Results, EgressDestination.Outside("kafka", 9092))); // default deny for every pod
    }
}
