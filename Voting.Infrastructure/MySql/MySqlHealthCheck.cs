using Microsoft.Extensions.Diagnostics.HealthChecks;
using MySqlConnector;
using Voting.Core.Sharding;

namespace Voting.Infrastructure.MySql;

/// <summary>Ready when every shard database answers; names the shards that don't.</summary>
public sealed class MySqlHealthCheck(MySqlShardConnections connections) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var failures = new List<string>();
        for (var shard = 0; shard < ShardLayout.DatabaseCount; shard++)
        {
            try
            {
                await using var connection = await connections.OpenShardAsync(shard, cancellationToken);
                await using var ping = new MySqlCommand("SELECT 1", connection);
                await ping.ExecuteScalarAsync(cancellationToken);
            }
            catch (MySqlException e)
            {
                failures.Add($"{connections.DatabaseName(shard)}: {e.Message}");
            }
        }

        return failures.Count == 0
            ? HealthCheckResult.Healthy($"{ShardLayout.DatabaseCount} shard databases answer")
            : HealthCheckResult.Unhealthy($"{failures.Count} shard(s) down: {string.Join("; ", failures.Take(3))}");
    }
}
