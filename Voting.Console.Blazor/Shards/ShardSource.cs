using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Options;
using MySqlConnector;
using Voting.Console.Blazor.Live;
using Voting.Core.Sharding;
using Voting.Infrastructure.Hosting;
using Voting.Infrastructure.MySql;

namespace Voting.Console.Blazor.Shards;

/// <summary>
/// Probes every shard database: a trivial query's latency, then the ballot rows of each of its 64
/// tables from the server's table statistics, in one statement. The statistics cost the same
/// whatever a table holds; a <c>COUNT(*)</c> reads every row of an index, which at national scale
/// (millions of rows per database, every few seconds) would load the shards the console watches and
/// outrun the probe's timeout. InnoDB keeps the figure up to date as rows are written; after a restart
/// or a statistics recalculation it is sampled, so it may be off by a few percent until then. (MySQL 8,
/// unlike MariaDB, caches these statistics for a day unless <c>information_schema_stats_expiry</c> is 0.)
/// Exact counts are the reconciliation's job (<c>Voting.Processor reconcile</c>). A shard that can't
/// answer within the timeout is reported, not waited for. The Merkle log's database is probed beside
/// them (it may live on a server of its own): its leaves (the logs' sizes) and the ranges handed to
/// appenders and not filled yet.
/// </summary>
public sealed class ShardSource(MySqlShardConnections shards, IOptions<ConsoleOptions> options) : IBoardSource<ShardSnapshot>
{
    private const string RowsStatement =
        "SELECT table_name, table_rows FROM information_schema.TABLES WHERE table_schema = DATABASE() AND table_name LIKE 'ballots\\_%'";

    private static readonly Dictionary<string, int> BallotTables = Enumerable.Range(0, ShardLayout.TablesPerDatabase)
        .ToDictionary(ShardLayout.BallotTable, t => t, StringComparer.OrdinalIgnoreCase);

    private readonly ConcurrentDictionary<int, (long Rows, long At)> previous = new();

    public TimeSpan Interval => TimeSpan.FromMilliseconds(options.Value.ShardRefreshMilliseconds);

    private TimeSpan ProbeTimeout => TimeSpan.FromMilliseconds(options.Value.ShardProbeMilliseconds);

    public async Task<ShardSnapshot> ReadAsync(CancellationToken cancellationToken)
    {
        var log = ProbeAsync(shards.OpenLogAsync, ReadLogAsync, reason => new MerkleLogHealth(shards.LogDatabaseName, reason, double.NaN, 0, 0, 0), cancellationToken);
        var shardHealth = await Task.WhenAll(Enumerable.Range(0, ShardLayout.DatabaseCount).Select(shard => ProbeAsync(
            c => shards.OpenShardAsync(shard, c),
            (connection, latency, c) => ReadShardAsync(shard, connection, latency, c),
            reason => new ShardHealth(shard, shards.DatabaseName(shard), reason, double.NaN, [], 0),
            cancellationToken)));
        return new ShardSnapshot(shardHealth) { Log = await log };
    }

    /// <summary>
    /// Opens a connection and times a trivial query, then reads the rest with <paramref name="read"/>, all
    /// within the probe's timeout; a database that fails or doesn't answer in time gives
    /// <paramref name="failed"/> with the reason. The driver does not give up a connection whose server
    /// accepted it and never greets, whatever the token says, so the probe stops waiting at its time and
    /// leaves that attempt to end by the driver's own connect timeout.
    /// </summary>
    private async Task<T> ProbeAsync<T>(
        Func<CancellationToken, Task<MySqlConnection>> open,
        Func<MySqlConnection, double, CancellationToken, Task<T>> read,
        Func<string, T> failed,
        CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ProbeTimeout);
        var probe = OpenAndReadAsync(open, read, timeout.Token);
        try
        {
            return await probe.WaitAsync(ProbeTimeout, cancellationToken);
        }
        catch (Exception e) when (e is MySqlException or InvalidOperationException && !cancellationToken.IsCancellationRequested)
        {
            return failed(e.Message);
        }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            LeftBehind.Observe(probe);
            return failed($"no answer within {ProbeTimeout.TotalSeconds:0.#} s");
        }
    }

    private static async Task<T> OpenAndReadAsync<T>(
        Func<CancellationToken, Task<MySqlConnection>> open,
        Func<MySqlConnection, double, CancellationToken, Task<T>> read,
        CancellationToken cancellationToken)
    {
        await using var connection = await open(cancellationToken);
        var started = Stopwatch.GetTimestamp();
        await using (var ping = new MySqlCommand("SELECT 1", connection))
        {
            await ping.ExecuteScalarAsync(cancellationToken);
        }

        return await read(connection, Stopwatch.GetElapsedTime(started).TotalMilliseconds, cancellationToken);
    }

    private async Task<MerkleLogHealth> ReadLogAsync(MySqlConnection connection, double latency, CancellationToken cancellationToken)
    {
        await using var state = new MySqlCommand(
            """
            SELECT (SELECT COALESCE(SUM(tree_size), 0) FROM merkle_heads),
                   COUNT(*),
                   COALESCE(TIMESTAMPDIFF(MICROSECOND, MIN(reserved_at), UTC_TIMESTAMP(3)), 0)
            FROM merkle_reservations
            """,
            connection);
        await using var reader = await state.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return new MerkleLogHealth(
            shards.LogDatabaseName, null, latency, Convert.ToInt64(reader.GetValue(0), CultureInfo.InvariantCulture),
            Convert.ToInt32(reader.GetValue(1), CultureInfo.InvariantCulture), Math.Max(0, Convert.ToDouble(reader.GetValue(2), CultureInfo.InvariantCulture) / 1e6));
    }

    private async Task<ShardHealth> ReadShardAsync(int shard, MySqlConnection connection, double latency, CancellationToken cancellationToken)
    {
        var rows = new long[ShardLayout.TablesPerDatabase];
        await using (var statistics = new MySqlCommand(RowsStatement, connection))
        await using (var reader = await statistics.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                if (BallotTables.TryGetValue(reader.GetString(0), out var table) && !reader.IsDBNull(1))
                {
                    rows[table] = Convert.ToInt64(reader.GetValue(1), CultureInfo.InvariantCulture);
                }
            }
        }

        var now = Stopwatch.GetTimestamp();
        var total = rows.Sum();
        var rate = previous.TryGetValue(shard, out var last) && Stopwatch.GetElapsedTime(last.At, now).TotalSeconds is var seconds and > 0
            ? Math.Max(0, total - last.Rows) / seconds
            : 0;
        previous[shard] = (total, now);
        return new ShardHealth(shard, shards.DatabaseName(shard), null, latency, rows, rate);
    }
}
