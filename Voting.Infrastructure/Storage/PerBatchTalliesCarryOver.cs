using System.Globalization;
using Microsoft.Extensions.Logging;
using MySqlConnector;
using Voting.Core.Sharding;
using Voting.Infrastructure.ClickHouse;
using Voting.Infrastructure.MySql;

namespace Voting.Infrastructure.Storage;

/// <summary>
/// Carries ClickHouse's per-batch tally tables of schema version 2 (<c>tallies</c>,
/// <c>votes_per_minute</c>: one row per batch × state × candidate or minute) into the running
/// totals, once, before the first fold:
/// <list type="number">
/// <item>A batch still in a shard's outbox that ClickHouse already has was shipped by a processor
/// that died before clearing it: its outbox rows are deleted, or the fold would count it again.</item>
/// <item>The old tables' sums go into the totals tables as shard <see cref="CarriedOverShard"/>,
/// which no fold writes: what was shipped before the upgrade, counted beside the shards' totals.</item>
/// <item>The old tables are dropped.</item>
/// </list>
/// Each step can be repeated (copies of one key and version replace each other; a table already
/// dropped is skipped), so a crash or a second processor doing the same loses and doubles nothing.
/// It needs both stores, which is why the processor runs it and not the schema migrators.
/// </summary>
public sealed class PerBatchTalliesCarryOver(MySqlShardConnections shards, ClickHouseTallyStore tallies, ILogger<PerBatchTalliesCarryOver> logger)
{
    /// <summary>Shard number of the counts carried over from version 2's per-batch tables.</summary>
    public const int CarriedOverShard = 255;

    private const int BatchesPerQuery = 1_000;

    /// <summary>Runs the carry-over if the old tables are there; returns whether they were.</summary>
    public async Task<bool> RunAsync(CancellationToken cancellationToken)
    {
        var database = tallies.Options.Database;
        var old = (await tallies.QueryAsync(
                $"SELECT name FROM system.tables WHERE database = {ClickHouseTallyStore.Literal(database)} AND name IN ('tallies', 'votes_per_minute') AND engine = 'ReplacingMergeTree'",
                cancellationToken))
            .Select(t => t.GetProperty("name").GetString()!)
            .ToHashSet(StringComparer.Ordinal);
        if (old.Count == 0)
        {
            return false;
        }

        logger.LogWarning("Carrying ClickHouse's per-batch tallies ({Tables}) into the running totals as shard {Shard}", string.Join(", ", old.Order()), CarriedOverShard);
        for (var shard = 0; shard < ShardLayout.DatabaseCount; shard++)
        {
            await ForgetShippedBatchesAsync(shard, old, cancellationToken);
        }

        // Read, then inserted like any shipment: ClickHouse 18.16 refuses the driver's INSERT … SELECT.
        // The sums are few (one per election, state and candidate or minute).
        if (old.Contains("tallies"))
        {
            var sums = await tallies.QueryAsync(
                $"SELECT election_id, state, candidate, sum(votes) AS votes FROM {database}.tallies FINAL GROUP BY election_id, state, candidate",
                cancellationToken);
            await tallies.InsertAsync("tally_totals", TallyOutbox.TallyColumns, TallyOutbox.TallyTypes, sums.Select(r => new object[]
            {
                r.GetProperty("election_id").GetString()!, (byte)CarriedOverShard, r.GetProperty("state").GetString()!, r.GetProperty("candidate").GetString()!,
                ulong.Parse(r.GetProperty("votes").ToString(), CultureInfo.InvariantCulture), 0UL,
            }), cancellationToken);
            await tallies.ExecuteAsync($"DROP TABLE IF EXISTS {database}.tallies", cancellationToken);
        }

        if (old.Contains("votes_per_minute"))
        {
            var sums = await tallies.QueryAsync(
                $"SELECT election_id, toUnixTimestamp(minute) AS m, state, sum(votes) AS votes FROM {database}.votes_per_minute FINAL GROUP BY election_id, minute, state",
                cancellationToken);
            await tallies.InsertAsync("minute_totals", TallyOutbox.MinuteColumns, TallyOutbox.MinuteTypes, sums.Select(r => new object[]
            {
                r.GetProperty("election_id").GetString()!, (byte)CarriedOverShard,
                DateTimeOffset.FromUnixTimeSeconds(long.Parse(r.GetProperty("m").ToString(), CultureInfo.InvariantCulture)).UtcDateTime,
                r.GetProperty("state").GetString()!, ulong.Parse(r.GetProperty("votes").ToString(), CultureInfo.InvariantCulture), 0UL,
            }), cancellationToken);
            await tallies.ExecuteAsync($"DROP TABLE IF EXISTS {database}.votes_per_minute", cancellationToken);
        }

        logger.LogWarning("Per-batch tallies carried over and dropped");
        return true;
    }

    /// <summary>Deletes the outbox rows of <paramref name="shard"/> whose batch the old table of their kind already holds.</summary>
    private async Task ForgetShippedBatchesAsync(int shard, HashSet<string> old, CancellationToken cancellationToken)
    {
        await using var connection = await shards.OpenShardAsync(shard, cancellationToken);
        var batches = new List<string>();
        await using (var read = new MySqlCommand("SELECT DISTINCT batch_id FROM tally_outbox", connection))
        await using (var reader = await read.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                batches.Add(Convert.ToHexString((byte[])reader[0]));
            }
        }

        foreach (var (table, kind) in new[] { ("tallies", "minute IS NULL"), ("votes_per_minute", "minute IS NOT NULL") })
        {
            if (!old.Contains(table))
            {
                continue;
            }

            foreach (var chunk in batches.Chunk(BatchesPerQuery))
            {
                // Only ids read from the outbox itself (hex digits) go into the DELETE.
                var inClickHouse = (await tallies.QueryAsync(
                        $"SELECT DISTINCT batch_id FROM {tallies.Options.Database}.{table} WHERE batch_id IN ({string.Join(",", chunk.Select(ClickHouseTallyStore.Literal))})",
                        cancellationToken))
                    .Select(b => b.GetProperty("batch_id").GetString())
                    .ToHashSet(StringComparer.Ordinal);
                var shipped = chunk.Where(inClickHouse.Contains).ToList();
                if (shipped.Count == 0)
                {
                    continue;
                }

                await using var delete = new MySqlCommand(
                    $"DELETE FROM tally_outbox WHERE {kind} AND batch_id IN ({string.Join(",", shipped.Select(b => $"X'{b}'"))})",
                    connection);
                var rows = await delete.ExecuteNonQueryAsync(cancellationToken);
                logger.LogWarning(
                    "Shard {Shard}: {Batches} batches were in ClickHouse's {Table} and still in the outbox (shipped, not cleared); {Rows} outbox rows dropped so they count once",
                    shard, shipped.Count, table, rows);
            }
        }
    }
}
