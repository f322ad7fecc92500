using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Voting.Infrastructure.Hosting;

/// <summary>Ready once every schema step has run.</summary>
public sealed class SchemaHealthCheck(SchemaState state) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var pending = state.Pending();
        return Task.FromResult(pending.Count == 0
            ? HealthCheckResult.Healthy("schema up to date")
            : HealthCheckResult.Unhealthy("schema pending: " + string.Join("; ", pending.Select(p => p.Value is null ? p.Key : $"{p.Key} ({p.Value})"))));
    }
}
