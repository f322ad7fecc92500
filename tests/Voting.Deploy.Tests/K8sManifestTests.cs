using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace Voting.Deploy.Tests;

/// <summary>The manifests under deploy/k8s, checked offline against the services' real endpoints and configuration keys.</summary>
public sealed class K8sManifestTests
{
    private static readonly string[] ServiceNames = ["ingest", "processor", "results", "audit", "console"];

    private readonly ManifestSet manifests = ManifestSet.LoadDirectory(RepoPaths.K8s);

    [Fact]
    public void Every_manifest_parses_and_every_reference_resolves()
    {
        var problems = manifests.Validate(ManifestRules.Real);

        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    [Fact]
    public void Every_service_has_a_deployment_a_service_and_a_disruption_budget()
    {
        foreach (var name in ServiceNames)
        {
            Assert.NotNull(manifests.Find("Deployment", name));
            Assert.NotNull(manifests.Find("Service", name));
            Assert.NotNull(manifests.Find("PodDisruptionBudget", name));
        }

        Assert.NotNull(manifests.Find("Namespace", "voting"));
    }

    [Fact]
    public void Ingest_results_and_processor_scale_horizontally()
    {
        foreach (var name in new[] { "ingest", "results", "processor" })
        {
            var autoscaler = manifests.Find("HorizontalPodAutoscaler", name);
            Assert.NotNull(autoscaler);
            Assert.Equal(name, autoscaler.Root.At("spec", "scaleTargetRef", "name").Text());
        }
    }

    [Fact]
    public void Images_are_named_voting_service_and_version()
    {
        var images = manifests.OfKind("Deployment").SelectMany(d => d.Containers).Select(c => c.Get("image").Text()).ToList();

        Assert.Equal(ServiceNames.Length, images.Count);
        Assert.All(images, image => Assert.Matches(new Regex(@"^voting/(ingest|processor|results|audit|console):\d+\.\d+\.\d+$"), image));
    }

    [Fact]
    public void Kustomization_lists_exactly_the_manifest_files()
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(File.ReadAllText(Path.Combine(RepoPaths.K8s, "kustomization.yaml"))));
        var listed = stream.Documents[0].RootNode.Get("resources").Items().Select(r => r.Text()).Order(StringComparer.Ordinal);

        Assert.Equal(ManifestSet.ManifestFiles(RepoPaths.K8s).Select(Path.GetFileName).Order(StringComparer.Ordinal), listed);
    }

    [Fact]
    public void Secrets_hold_placeholders_only_and_none_of_the_local_development_keys()
    {
        var localProfile = File.ReadAllText(Path.Combine(RepoPaths.Root, "deploy", "config", "voting.Local.json"));
        var localKeys = Regex.Matches(localProfile, "\"(0x[0-9a-f]{64}|[A-Za-z0-9+/]{40,}={0,2})\"").Select(m => m.Groups[1].Value).ToList();
        Assert.NotEmpty(localKeys);

        foreach (var secret in manifests.OfKind("Secret"))
        {
            foreach (var (key, value) in secret.Root.Get("stringData").Pairs().Concat(secret.Root.Get("data").Pairs()))
            {
                Assert.True(value.Text()?.Contains("REPLACE_ME", StringComparison.Ordinal), $"{secret.Where}: {key} is not a REPLACE_ME placeholder");
                Assert.DoesNotContain(localKeys, local => value.Text()!.Contains(local, StringComparison.Ordinal));
            }
        }
    }

    [Fact]
    public void The_image_listens_on_every_interface_at_the_port_it_exposes()
    {
        var dockerfile = File.ReadAllText(Path.Combine(RepoPaths.K8s, "Dockerfile"));

        // appsettings.json's loopback Urls wins over ASPNETCORE_URLS and ASPNETCORE_HTTP_PORTS; only a plain Urls overrides it.
        Assert.Matches(new Regex(@"(?m)^\s+Urls=http://\+:8080 \\$"), dockerfile);
        Assert.Matches(new Regex(@"(?m)^EXPOSE 8080$"), dockerfile);
        Assert.DoesNotContain("ASPNETCORE_HTTP_PORTS=", dockerfile, StringComparison.Ordinal);
    }

    [Fact]
    public void Only_the_services_that_compute_pseudonyms_get_the_pseudonym_secret()
    {
        var holders = manifests.OfKind("Deployment")
            .Where(d => d.Containers.SelectMany(manifests.VariablesOf).Any(v => Regex.IsMatch(v, @"^Voting__Elections__\d+__PseudonymSecret$")))
            .Select(d => d.Name).Order(StringComparer.Ordinal);

        // With the secret and the votes topic (pseudonym and choice) one could link a voter to a choice.
        Assert.Equal(["ingest", "results"], holders);
    }

    [Fact]
    public void Only_ingest_gets_the_key_that_mints_tokens_to_cast_with_and_only_results_the_lookup_key()
    {
        string[] HoldersOf(string pattern) =>
        [
            .. manifests.OfKind("Deployment")
                .Where(d => d.Containers.SelectMany(manifests.VariablesOf).Any(v => Regex.IsMatch(v, pattern)))
                .Select(d => d.Name!).Order(StringComparer.Ordinal),
        ];

        // HS256: whatever verifies a token can mint one. Results, the most exposed tier, must not be able
        // to mint a token that casts a vote.
        Assert.Equal(["ingest"], HoldersOf(@"^Voting__VoterTokens__SigningKeys__\d+$"));
        Assert.Equal(["results"], HoldersOf(@"^Voting__LookupTokens__SigningKeys__\d+$"));

        // And from the right Secret, under whatever variable name.
        string[] TakersOf(string secret) =>
        [
            .. manifests.OfKind("Deployment")
                .Where(d => d.Containers.Any(c => c.Get("env").Items().Select(v => v.At("valueFrom", "secretKeyRef", "name").Text())
                    .Concat(c.Get("envFrom").Items().Select(f => f.At("secretRef", "name").Text()))
                    .Contains(secret)))
                .Select(d => d.Name!).Order(StringComparer.Ordinal),
        ];
        Assert.Equal(["ingest"], TakersOf("voting-voter-tokens"));
        Assert.Equal(["results"], TakersOf("voting-lookup-tokens"));
    }

    [Fact]
    public void No_manifest_sets_the_local_Kafka_09_switch()
    {
        var variables = manifests.OfKind("Deployment").SelectMany(d => d.Containers).SelectMany(manifests.VariablesOf).ToList();

        Assert.Contains("Voting__Kafka__BootstrapServers", variables);
        Assert.DoesNotContain(variables, v => v.Contains("LegacyBroker09", StringComparison.OrdinalIgnoreCase));
    }
}
