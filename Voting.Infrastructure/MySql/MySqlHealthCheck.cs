using Microsoft.Extensions.Diagnostics.HealthChecks;
using MySqlConnector;
using Voting.Core.Sharding;

namespace Voting.Infrastructure.MySql;

/// <summary>Ready when every shard database and the Merkle log database answer; names those that don't.</summary>
public sealed class MySqlHealthCheck(MySqlShardConnections connections) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var failures = new List<string>();
        for (var shard = 0; shard < ShardLayout.DatabaseCount; shard++)
        {
            await PingAsync(connections.DatabaseName(shard), c => connections.OpenShardAsync(shard, c), failures, cancellationToken);
        }

        await PingAsync(connections.LogDatabaseName, connections.OpenLogAsync, failures, cancellationToken);
        return failures.Count == 0
            ? HealthCheckResult.Healthy($"{ShardLayout.DatabaseCount} shard databases and the Merkle log answer")
            : HealthCheckResult.Unhealthy($"{failures.Count} database(s) down: {string.Join("; ", failures.Take(3))}");
    }

    private static async Task PingAsync(
        string database, Func<CancellationToken, Task<MySqlConnection>> open, List<string> failures, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await open(cancellationToken);
            await using var ping = new MySqlCommand("SELECT 1", connection);
            await ping.ExecuteScalarAsync(cancellationToken);
        }
        catch (MySqlException e)
        {
            failures.Add($"{database}: {e.Message}");
        }
    }
}
