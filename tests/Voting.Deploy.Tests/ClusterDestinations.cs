using System.Globalization;
using System.Text.RegularExpressions;

namespace Voting.Deploy.Tests;

/// <summary>
/// Where the services of deploy/k8s connect, read from the manifests themselves: each engine at the
/// ports its settings name (Kafka's bootstrap servers, the MySQL, Redis and ClickHouse connection
/// settings, the chain's RPC URL), and each service at the container port its Service targets.
/// </summary>
internal static partial class ClusterDestinations
{
    public const string KafkaBrokers = "kafka";
    public const string MySqlServers = "mysql";
    public const string RedisNodes = "redis";
    public const string ClickHouseServers = "clickhouse";
    public const string ChainNode = "chain";

    /// <summary>Every engine's destinations, by engine; a problem (an engine whose port can't be found) throws.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<EgressDestination>> Engines(ManifestSet manifests)
    {
        var config = Data(manifests, "ConfigMap", "voting-config");
        var ports = new Dictionary<string, IEnumerable<int>>
        {
            [KafkaBrokers] = HostPorts(config["Voting__Kafka__BootstrapServers"]),
            [MySqlServers] = Data(manifests, "Secret", "voting-mysql").Values.Select(c => ConnectionPort(c, 3306)),
            [RedisNodes] = HostPorts(Data(manifests, "Secret", "voting-redis")["configuration"]),
            [ClickHouseServers] = [ConnectionPort(Data(manifests, "Secret", "voting-clickhouse")["connection-string"], 8123)],
            [ChainNode] = [UrlPort(config["Voting__Chain__RpcUrl"])],
        };

        return ports.ToDictionary(
            e => e.Key,
            e => (IReadOnlyList<EgressDestination>)[.. e.Value.Distinct().Select(port => EgressDestination.Outside(e.Key, port))]);
    }

    /// <summary>The pods of the service named <paramref name="service"/>, at the port its Service sends to.</summary>
    public static EgressDestination Service(ManifestSet manifests, string service)
    {
        var definition = manifests.Find("Service", service) ?? throw new InvalidOperationException($"no Service {service}");
        var deployment = manifests.Find("Deployment", service) ?? throw new InvalidOperationException($"no Deployment {service}");
        var target = definition.Root.At("spec", "ports").Items().First().Get("targetPort").Text();
        var port = deployment.Containers.SelectMany(c => c.Get("ports").Items())
            .First(p => p.Get("name").Text() == target || p.Get("containerPort").Text() == target);
        return new EgressDestination(
            $"service {service}",
            int.Parse(port.Get("containerPort").Text()!, CultureInfo.InvariantCulture),
            PodLabels: deployment.PodLabels,
            PortName: port.Get("name").Text());
    }

    private static Dictionary<string, string> Data(ManifestSet manifests, string kind, string name)
    {
        var map = manifests.Find(kind, name) ?? throw new InvalidOperationException($"no {kind} {name}");
        return map.Root.Get("data").Pairs().Concat(map.Root.Get("stringData").Pairs())
            .ToDictionary(p => p.Key, p => p.Value.Text() ?? "", StringComparer.Ordinal);
    }

    // "host:port,host:port,option=value": the ports of the hosts.
    private static IEnumerable<int> HostPorts(string list) =>
        list.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Where(entry => !entry.Contains('=', StringComparison.Ordinal))
            .Select(entry => int.Parse(entry[(entry.LastIndexOf(':') + 1)..], CultureInfo.InvariantCulture));

    private static int ConnectionPort(string connectionString, int fallback) =>
        PortSetting().Match(connectionString) is { Success: true } match
            ? int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture)
            : fallback;

    private static int UrlPort(string url) =>
        UrlAuthorityPort().Match(url) is { Success: true } match
            ? int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture)
            : url.StartsWith("https:", StringComparison.Ordinal) ? 443 : 80;

    [GeneratedRegex(@"(?:^|;)\s*Port\s*=\s*(\d+)", RegexOptions.IgnoreCase)]
    private static partial Regex PortSetting();

    [GeneratedRegex(@"^[a-z]+://[^/:]+:(\d+)")]
    private static partial Regex UrlAuthorityPort();
}
