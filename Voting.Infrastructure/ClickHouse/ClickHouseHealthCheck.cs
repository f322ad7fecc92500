using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Voting.Infrastructure.ClickHouse;

/// <summary>Ready when ClickHouse answers a query.</summary>
public sealed class ClickHouseHealthCheck(ClickHouseTallyStore store) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            return HealthCheckResult.Healthy("ClickHouse " + await store.VersionAsync(cancellationToken));
        }
        catch (Exception e) when (e is HttpRequestException or InvalidOperationException or System.Text.Json.JsonException or TaskCanceledException
                                      || e.GetType().Namespace?.StartsWith("ClickHouse", StringComparison.Ordinal) == true)
        {
            return HealthCheckResult.Unhealthy("ClickHouse unreachable: " + e.Message);
        }
    }
}
