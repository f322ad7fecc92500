namespace Voting.Console.Blazor.Status;

/// <summary>What a service's readiness endpoint said at <paramref name="CheckedAt"/>.</summary>
/// <param name="Name">Service name.</param>
/// <param name="BaseUrl">Where it listens.</param>
/// <param name="Status">Healthy, Degraded, Unhealthy, or Unreachable.</param>
/// <param name="Checks">Each dependency's status and description.</param>
/// <param name="CheckedAt">When the probe ran (UTC).</param>
public sealed record ServiceStatus(
    string Name,
    string BaseUrl,
    string Status,
    IReadOnlyDictionary<string, Voting.ServiceDefaults.HealthEntryDto> Checks,
    DateTimeOffset CheckedAt);
