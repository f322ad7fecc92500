using Microsoft.Extensions.Diagnostics.HealthChecks;
using MySqlConnector;
using Voting.Core.Sharding;

namespace Voting.Infrastructure.MySql;

/// <summary>
/// Every shard database and the Merkle log database answer; names those that don't. All are asked at
/// once, each given <see cref="PingTimeout"/>, so one server that never answers costs the probe a few
/// seconds, not a connect timeout per database in a row. A failure reports the registration's failure
/// status: unready for the services that cannot work without MariaDB, degraded for ingest, which needs
/// it only for the voters its filter cannot clear.
/// </summary>
public sealed class MySqlHealthCheck(MySqlShardConnections connections) : IHealthCheck
{
    /// <summary>How long one database may take to answer.</summary>
    public static readonly TimeSpan PingTimeout = TimeSpan.FromSeconds(2);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var pings = Enumerable.Range(0, ShardLayout.DatabaseCount)
            .Select(shard => PingAsync(connections.DatabaseName(shard), c => connections.OpenShardAsync(shard, c), cancellationToken))
            .Append(PingAsync(connections.LogDatabaseName, connections.OpenLogAsync, cancellationToken));
        var failures = (await Task.WhenAll(pings)).OfType<string>().ToList();
        return failures.Count == 0
            ? HealthCheckResult.Healthy($"{ShardLayout.DatabaseCount} shard databases and the Merkle log answer")
            : new HealthCheckResult(
                context.Registration?.FailureStatus ?? HealthStatus.Unhealthy,
                $"{failures.Count} database(s) down: {string.Join("; ", failures.Take(3))}");
    }

    /// <summary>
    /// Null when the database answered, else why not. The driver does not give up a handshake a server
    /// never answers when cancelled, only at its connect timeout, so a ping still running after
    /// <see cref="PingTimeout"/> is left to finish (and close its connection) on its own.
    /// </summary>
    private static async Task<string?> PingAsync(string database, Func<CancellationToken, Task<MySqlConnection>> open, CancellationToken cancellationToken)
    {
        try
        {
            return await AnswerAsync(database, open, cancellationToken).WaitAsync(PingTimeout, cancellationToken);
        }
        catch (TimeoutException)
        {
            return $"{database}: no answer within {PingTimeout.TotalSeconds:0} s";
        }
    }

    private static async Task<string?> AnswerAsync(string database, Func<CancellationToken, Task<MySqlConnection>> open, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await open(cancellationToken);
            await using var ping = new MySqlCommand("SELECT 1", connection);
            await ping.ExecuteScalarAsync(cancellationToken);
            return null;
        }
        catch (MySqlException e)
        {
            return $"{database}: {e.Message}";
        }
        catch (OperationCanceledException)
        {
            return $"{database}: cancelled";
        }
    }
}
