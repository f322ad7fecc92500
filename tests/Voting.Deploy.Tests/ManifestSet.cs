using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Voting.Deploy.Tests;

/// <summary>
/// The Kubernetes objects of a set of manifest files, and the offline checks that every reference
/// between them resolves: selectors, ports, probes, ConfigMap/Secret references, autoscaler
/// targets, and every environment variable against the services' real configuration keys.
/// </summary>
internal sealed class ManifestSet
{
    private readonly List<string> parseProblems;

    private ManifestSet(List<ManifestObject> objects, List<string> parseProblems)
    {
        Objects = objects;
        this.parseProblems = parseProblems;
    }

    public IReadOnlyList<ManifestObject> Objects { get; }

    /// <summary>Every manifest of <paramref name="directory"/> (*.yaml, *.yml) except the kustomization.</summary>
    public static ManifestSet LoadDirectory(string directory) =>
        Parse(ManifestFiles(directory).Select(path => (Path.GetFileName(path), File.ReadAllText(path))));

    /// <summary>Manifest files of <paramref name="directory"/>: what a kustomization there must list.</summary>
    public static IEnumerable<string> ManifestFiles(string directory) =>
        Directory.EnumerateFiles(directory, "*.yaml").Concat(Directory.EnumerateFiles(directory, "*.yml"))
            .Where(path => !Path.GetFileName(path).StartsWith("kustomization.", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal);

    /// <summary>Parses multi-document YAML; a file that does not parse is a problem, not an exception.</summary>
    public static ManifestSet Parse(IEnumerable<(string Source, string Yaml)> files)
    {
        var objects = new List<ManifestObject>();
        var problems = new List<string>();
        foreach (var (source, yaml) in files)
        {
            var stream = new YamlStream();
            try
            {
                stream.Load(new StringReader(yaml));
            }
            catch (YamlException e)
            {
                problems.Add($"{source}:{e.Start.Line}: not valid YAML: {e.Message}");
                continue;
            }

            foreach (var document in stream.Documents)
            {
                switch (document.RootNode)
                {
                    case YamlMappingNode root:
                        objects.Add(new ManifestObject(source, root));
                        break;
                    case YamlScalarNode { Value: null or "" }:
                        break; // an empty document (e.g. after a trailing ---)
                    default:
                        problems.Add($"{source}:{document.RootNode.Line()}: a document that is not a mapping");
                        break;
                }
            }
        }

        return new ManifestSet(objects, problems);
    }

    /// <summary>Objects of <paramref name="kind"/>.</summary>
    public IEnumerable<ManifestObject> OfKind(string kind) => Objects.Where(o => o.Kind == kind);

    /// <summary>The object of <paramref name="kind"/> named <paramref name="name"/>, if any.</summary>
    public ManifestObject? Find(string kind, string? name) => OfKind(kind).FirstOrDefault(o => o.Name == name);

    /// <summary>Every problem found, each naming file, line and object; empty when all is well.</summary>
    public IReadOnlyList<string> Validate(ManifestRules rules)
    {
        var problems = new List<string>(parseProblems);
        CheckIdentity(problems);
        foreach (var deployment in OfKind("Deployment"))
        {
            CheckDeployment(deployment, rules, problems);
        }

        foreach (var service in OfKind("Service"))
        {
            CheckService(service, problems);
        }

        foreach (var map in OfKind("ConfigMap").Concat(OfKind("Secret")))
        {
            CheckStringValues(map, problems);
        }

        foreach (var autoscaler in OfKind("HorizontalPodAutoscaler"))
        {
            CheckAutoscaler(autoscaler, rules, problems);
        }

        foreach (var budget in OfKind("PodDisruptionBudget"))
        {
            CheckSelectsPods(budget, budget.Root.At("spec", "selector", "matchLabels").StringMap(), problems);
        }

        foreach (var policy in OfKind("NetworkPolicy"))
        {
            CheckPolicySelectsPods(policy, problems);
        }

        return problems;
    }

    private void CheckIdentity(List<string> problems)
    {
        foreach (var o in Objects)
        {
            if (string.IsNullOrEmpty(o.ApiVersion) || string.IsNullOrEmpty(o.Kind) || string.IsNullOrEmpty(o.Name))
            {
                problems.Add($"{o.Where}: apiVersion, kind and metadata.name are all required");
            }
        }

        foreach (var duplicate in Objects.GroupBy(o => (o.Kind, o.Name)).Where(g => g.Count() > 1))
        {
            problems.Add($"{duplicate.First().Where}: defined {duplicate.Count()} times");
        }
    }

    private void CheckDeployment(ManifestObject deployment, ManifestRules rules, List<string> problems)
    {
        var selector = deployment.Root.At("spec", "selector", "matchLabels").StringMap();
        var labels = deployment.PodLabels;
        if (selector.Count == 0)
        {
            problems.Add($"{deployment.Where}: spec.selector.matchLabels is empty");
        }

        foreach (var (key, value) in selector.Where(s => !labels.TryGetValue(s.Key, out var label) || label != s.Value))
        {
            problems.Add($"{deployment.Where}: selector {key}={value} does not match the pod template's labels");
        }

        if (!deployment.Containers.Any())
        {
            problems.Add($"{deployment.Where}: no containers");
        }

        var podSecurity = deployment.Root.At("spec", "template", "spec", "securityContext");
        foreach (var container in deployment.Containers)
        {
            var where = $"{deployment.Where} container {container.Get("name").Text()}";
            CheckProbes(container, where, rules.Health, problems);
            CheckEnvironment(container, where, rules, problems);
            CheckListenAddress(container, where, problems);
            CheckHardening(container, podSecurity, where, problems);
        }
    }

    private static void CheckProbes(YamlNode container, string where, HealthPaths health, List<string> problems)
    {
        foreach (var (probe, expected) in new[] { ("livenessProbe", health.Live), ("startupProbe", health.Live), ("readinessProbe", health.Ready) })
        {
            var node = container.Get(probe);
            if (node is null)
            {
                if (probe != "startupProbe")
                {
                    problems.Add($"{where}: no {probe}");
                }

                continue;
            }

            var get = node.Get("httpGet");
            if (get is null)
            {
                problems.Add($"{where}: {probe} is not an httpGet on a health endpoint");
                continue;
            }

            var path = get.Get("path").Text();
            if (!health.All.Contains(path))
            {
                problems.Add($"{where}: {probe} path {path} is not a health endpoint the service maps ({string.Join(", ", health.All)})");
            }
            else if (path != expected)
            {
                // Liveness on readiness would restart every pod whenever a dependency is down.
                problems.Add($"{where}: {probe} must use {expected}, not {path}");
            }

            if (!HasPort(container, get.Get("port")))
            {
                problems.Add($"{where}: {probe} port {get.Get("port").Text()} is not a port of the container");
            }
        }
    }

    /// <summary>Every environment variable name <paramref name="container"/> gets: its env and the keys of the ConfigMaps and Secrets it takes whole.</summary>
    public IReadOnlyList<string> VariablesOf(YamlNode container)
    {
        var names = new List<string>();
        foreach (var source in container.Get("envFrom").Items())
        {
            var prefix = source.Get("prefix").Text() ?? "";
            foreach (var (kind, field) in EnvFromKinds)
            {
                if (Find(kind, source.At(field, "name").Text()) is { } target)
                {
                    names.AddRange(target.DataKeys.Select(key => prefix + key));
                }
            }
        }

        names.AddRange(container.Get("env").Items().Select(v => v.Get("name").Text() ?? ""));
        return names;
    }

    private static readonly (string Kind, string Field)[] EnvFromKinds = [("ConfigMap", "configMapRef"), ("Secret", "secretRef")];

    private void CheckEnvironment(YamlNode container, string where, ManifestRules rules, List<string> problems)
    {
        foreach (var source in container.Get("envFrom").Items())
        {
            foreach (var (kind, field) in EnvFromKinds)
            {
                if (source.Get(field) is { } reference && Find(kind, reference.Get("name").Text()) is null)
                {
                    problems.Add($"{where}: envFrom {field} {reference.Get("name").Text()} is not defined in the manifests");
                }
            }
        }

        foreach (var variable in container.Get("env").Items())
        {
            var name = variable.Get("name").Text() ?? "";
            if (variable.Get("value") is { } value && !value.IsString())
            {
                problems.Add($"{where}: env {name} value {value.Text()} must be a quoted string");
            }

            foreach (var (kind, field) in new[] { ("ConfigMap", "configMapKeyRef"), ("Secret", "secretKeyRef") })
            {
                if (variable.At("valueFrom", field) is not { } reference)
                {
                    continue;
                }

                var target = Find(kind, reference.Get("name").Text());
                var key = reference.Get("key").Text();
                if (target is null)
                {
                    problems.Add($"{where}: env {name} refers to {kind} {reference.Get("name").Text()}, which is not defined in the manifests");
                }
                else if (!target.DataKeys.Contains(key))
                {
                    problems.Add($"{where}: env {name} refers to key {key} that {kind} {target.Name} does not have");
                }
            }
        }

        foreach (var name in VariablesOf(container))
        {
            if (name.Contains("LegacyBroker09", StringComparison.OrdinalIgnoreCase))
            {
                problems.Add($"{where}: {name} is the local Kafka 0.9 profile's switch and must not be set in a cluster");
            }
            else if (name.StartsWith("Voting__", StringComparison.Ordinal))
            {
                if (rules.Keys.Explain(name) is { } why)
                {
                    problems.Add($"{where}: {why}");
                }
            }
            else if (!ManifestRules.HostVariablePrefixes.Any(p => name.StartsWith(p, StringComparison.Ordinal)))
            {
                problems.Add($"{where}: env {name} is neither a Voting__ configuration key nor a host variable ({string.Join(", ", ManifestRules.HostVariablePrefixes)}*)");
            }
        }

        foreach (var duplicate in container.Get("env").Items().GroupBy(v => v.Get("name").Text()).Where(g => g.Count() > 1))
        {
            problems.Add($"{where}: env {duplicate.Key} is set {duplicate.Count()} times");
        }
    }

    private static void CheckHardening(YamlNode container, YamlNode? podSecurity, string where, List<string> problems)
    {
        var security = container.Get("securityContext");
        if (security.Get("runAsNonRoot").Text() != "true" && podSecurity.Get("runAsNonRoot").Text() != "true")
        {
            problems.Add($"{where}: runAsNonRoot is not set");
        }

        if (security.Get("readOnlyRootFilesystem").Text() != "true")
        {
            problems.Add($"{where}: readOnlyRootFilesystem is not set");
        }

        if (security.Get("allowPrivilegeEscalation").Text() != "false")
        {
            problems.Add($"{where}: allowPrivilegeEscalation is not false");
        }

        foreach (var (section, resource) in new[] { ("requests", "cpu"), ("requests", "memory"), ("limits", "memory") })
        {
            if (string.IsNullOrEmpty(container.At("resources", section, resource).Text()))
            {
                problems.Add($"{where}: no resources.{section}.{resource}");
            }
        }
    }

    private void CheckService(ManifestObject service, List<string> problems)
    {
        var selector = service.Root.At("spec", "selector").StringMap();
        var targets = CheckSelectsPods(service, selector, problems);
        foreach (var port in service.Root.At("spec", "ports").Items())
        {
            var target = port.Get("targetPort") ?? port.Get("port");
            foreach (var deployment in targets.Where(d => !d.Containers.Any(c => HasPort(c, target))))
            {
                problems.Add($"{service.Where}: targetPort {target.Text()} is not a container port of Deployment {deployment.Name}");
            }
        }
    }

    /// <summary>The Deployments whose pods <paramref name="selector"/> selects; a problem when none.</summary>
    private List<ManifestObject> CheckSelectsPods(ManifestObject owner, Dictionary<string, string> selector, List<string> problems)
    {
        if (selector.Count == 0)
        {
            problems.Add($"{owner.Where}: empty selector");
            return [];
        }

        var selected = OfKind("Deployment")
            .Where(d => selector.All(s => d.PodLabels.TryGetValue(s.Key, out var value) && value == s.Value))
            .ToList();
        if (selected.Count == 0)
        {
            problems.Add($"{owner.Where}: selector {string.Join(",", selector.Select(s => $"{s.Key}={s.Value}"))} matches no Deployment's pods");
        }

        return selected;
    }

    /// <summary>A policy's podSelector selects some Deployment's pods (an empty one selects every pod of the namespace).</summary>
    private void CheckPolicySelectsPods(ManifestObject policy, List<string> problems)
    {
        var selector = policy.Root.At("spec", "podSelector");
        if (selector is null)
        {
            problems.Add($"{policy.Where}: spec.podSelector is required (an empty one, {{}}, selects every pod)");
        }
        else if (!OfKind("Deployment").Any(d => LabelSelector.Matches(selector, d.PodLabels)))
        {
            problems.Add($"{policy.Where}: podSelector matches no Deployment's pods");
        }
    }

    private static void CheckStringValues(ManifestObject map, List<string> problems)
    {
        foreach (var (key, value) in map.Root.Get("data").Pairs().Concat(map.Root.Get("stringData").Pairs()))
        {
            if (!value.IsString())
            {
                problems.Add($"{map.Where}: {key} value {value.Text()} must be a quoted string (Kubernetes refuses numbers and booleans here)");
            }
        }
    }

    private void CheckAutoscaler(ManifestObject autoscaler, ManifestRules rules, List<string> problems)
    {
        var target = autoscaler.Root.At("spec", "scaleTargetRef");
        var deployment = Find(target.Get("kind").Text() ?? "", target.Get("name").Text());
        if (deployment is null)
        {
            problems.Add($"{autoscaler.Where}: scaleTargetRef {target.Get("kind").Text()}/{target.Get("name").Text()} is not defined in the manifests");
            return;
        }

        if (deployment.ApiVersion != target.Get("apiVersion").Text())
        {
            problems.Add($"{autoscaler.Where}: scaleTargetRef apiVersion {target.Get("apiVersion").Text()} is not {deployment.ApiVersion}");
        }

        if (deployment.Root.At("spec", "replicas") is { } replicas)
        {
            // Every kubectl apply would set the count back to it, whatever the autoscaler had scaled to.
            problems.Add($"{deployment.Where}: sets spec.replicas ({replicas.Text()}) although {autoscaler.Where} scales it: every apply would reset the running count; leave the floor to minReplicas");
        }

        _ = int.TryParse(autoscaler.Root.At("spec", "minReplicas").Text() ?? "1", out var min);
        if (!int.TryParse(autoscaler.Root.At("spec", "maxReplicas").Text(), out var max) || max < min)
        {
            problems.Add($"{autoscaler.Where}: maxReplicas must be a number ≥ minReplicas");
        }

        if (rules.PartitionBound.Contains(deployment.Name ?? ""))
        {
            var partitions = deployment.Containers.Select(PartitionsOf).FirstOrDefault(p => p is not null);
            if (partitions is null)
            {
                problems.Add($"{autoscaler.Where}: {deployment.Name} consumes Kafka but gets no Voting__Kafka__Partitions to bound its replicas");
            }
            else if (max > partitions)
            {
                problems.Add($"{autoscaler.Where}: maxReplicas {max} exceeds Voting__Kafka__Partitions {partitions}: the extra consumers would idle");
            }
        }
    }

    private int? PartitionsOf(YamlNode container)
    {
        const string Key = "Voting__Kafka__Partitions";
        var direct = container.Get("env").Items().FirstOrDefault(v => v.Get("name").Text() == Key)?.Get("value").Text();
        var fromMaps = container.Get("envFrom").Items()
            .Select(s => Find("ConfigMap", s.At("configMapRef", "name").Text())?.Root.At("data", Key).Text())
            .LastOrDefault(v => v is not null);
        return int.TryParse(direct ?? fromMaps, out var partitions) ? partitions : null;
    }

    /// <summary>
    /// Each service's appsettings.json binds it to 127.0.0.1 (a port of its own, for the local stack), and
    /// a <c>Urls</c> setting there wins over <c>ASPNETCORE_URLS</c> and <c>ASPNETCORE_HTTP_PORTS</c>: only
    /// a plain <c>Urls</c> variable overrides it. Without one a pod listens on loopback only, so its
    /// probes and Service reach nothing.
    /// </summary>
    private void CheckListenAddress(YamlNode container, string where, List<string> problems)
    {
        var http = container.Get("ports").Items().FirstOrDefault(p => p.Get("name").Text() == "http")?.Get("containerPort").Text();
        var urls = ValueOf(container, ManifestRules.ListenVariable);
        var listens = urls is not null && http is not null
            && urls.Split(';').Any(u => Regex.IsMatch(u, $@"^http://(\+|\*|0\.0\.0\.0|\[::\]):{Regex.Escape(http)}/?$"));
        if (!listens)
        {
            problems.Add($"{where}: {ManifestRules.ListenVariable} is {(urls is null ? "not set" : $"'{urls}'")}: it must listen on every interface at the container's http port ({http ?? "none"}), e.g. http://+:{http ?? "8080"} (appsettings.json binds the services to 127.0.0.1, and ASPNETCORE_URLS or ASPNETCORE_HTTP_PORTS lose to it)");
        }
    }

    /// <summary>The value <paramref name="container"/> gets for variable <paramref name="name"/>: its env (a literal value), else a ConfigMap it takes whole; null if none.</summary>
    private string? ValueOf(YamlNode container, string name)
    {
        if (container.Get("env").Items().LastOrDefault(v => v.Get("name").Text() == name) is { } variable)
        {
            return variable.Get("value").Text();
        }

        return container.Get("envFrom").Items()
            .Where(source => string.IsNullOrEmpty(source.Get("prefix").Text()))
            .Select(source => Find("ConfigMap", source.At("configMapRef", "name").Text()))
            .SelectMany(map => map is null ? [] : map.Root.Get("data").Pairs())
            .LastOrDefault(pair => pair.Key == name).Value?.Text();
    }

    private static bool HasPort(YamlNode container, YamlNode? port)
    {
        var value = port.Text();
        if (string.IsNullOrEmpty(value))
        {
            return false;
        }

        var ports = container.Get("ports").Items().ToList();
        return int.TryParse(value, out var number)
            ? ports.Any(p => p.Get("containerPort").Text() == number.ToString(System.Globalization.CultureInfo.InvariantCulture))
            : ports.Any(p => p.Get("name").Text() == value);
    }
}
