namespace Voting.Deploy.Tests;

/// <summary>What the manifests are checked against: the services' real health paths and configuration keys.</summary>
/// <param name="Health">Paths probes may use.</param>
/// <param name="Keys">Configuration keys <c>Voting__*</c> variables must name.</param>
/// <param name="PartitionBound">Deployments that run one Kafka consumer per pod: their replicas can't usefully exceed the partitions.</param>
internal sealed record ManifestRules(HealthPaths Health, ConfigurationKeys Keys, IReadOnlySet<string> PartitionBound)
{
    /// <summary>Environment variables outside <c>Voting__</c> the hosts read (ASP.NET Core, the runtime, OpenTelemetry, logging).</summary>
    public static IReadOnlyList<string> HostVariablePrefixes { get; } = ["ASPNETCORE_", "DOTNET_", "OTEL_", "Logging__", ListenVariable];

    /// <summary>The address the services listen on: a plain <c>Urls</c> variable, the one setting that overrides appsettings.json's.</summary>
    public const string ListenVariable = "Urls";

    private static readonly Lazy<ManifestRules> Discovered = new(() =>
        new(HealthPaths.Discover(), ConfigurationKeys.Discover(), new HashSet<string>(["processor"], StringComparer.Ordinal)));

    /// <summary>The real rules, discovered (once) from the referenced services and ServiceDefaults.</summary>
    public static ManifestRules Real => Discovered.Value;
}
