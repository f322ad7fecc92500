using MySqlConnector;
using Voting.Core.Sharding;
using Voting.Infrastructure.ClickHouse;
using Voting.Infrastructure.MySql;

namespace Voting.Infrastructure.Storage;

/// <summary>
/// Ships the counts that batches left in each shard's <c>tally_outbox</c> to ClickHouse, then
/// clears them. Shipping twice is harmless (ClickHouse replaces a batch's rows with themselves),
/// so a crash at any point loses nothing and counts nothing twice.
/// </summary>
public sealed class TallyOutbox(MySqlShardConnections shards, ClickHouseTallyStore tallies)
{
    /// <summary>Rows read per shard and round; a batch leaves a few dozen (its states × candidates and minutes).</summary>
    public const int MaxRowsPerShip = 50_000;

    /// <summary>Where batch_id sits in the rows of both tables (see the column lists below).</summary>
    private const int BatchColumn = 3;

    private static readonly string[] TallyColumns = ["election_id", "state", "candidate", "batch_id", "votes"];
    private static readonly string[] MinuteColumns = ["election_id", "minute", "state", "batch_id", "votes"];

    private static readonly IReadOnlyDictionary<string, string> TallyTypes = new Dictionary<string, string>
    {
        ["election_id"] = "String", ["state"] = "String", ["candidate"] = "String", ["batch_id"] = "String", ["votes"] = "UInt64",
    };

    private static readonly IReadOnlyDictionary<string, string> MinuteTypes = new Dictionary<string, string>
    {
        ["election_id"] = "String", ["minute"] = "DateTime('UTC')", ["state"] = "String", ["batch_id"] = "String", ["votes"] = "UInt64",
    };

    /// <summary>Ships every shard's pending counts (at start-up, after a crash).</summary>
    public Task<int> ShipAllAsync(CancellationToken cancellationToken) =>
        ShipAsync(Enumerable.Range(0, ShardLayout.DatabaseCount), cancellationToken);

    /// <summary>
    /// Ships the pending counts of <paramref name="databases"/> in one ClickHouse insert per table
    /// (each insert is a part ClickHouse must merge later: one per shard would cost it 16 times the
    /// work), then clears what was shipped. Returns the rows shipped.
    /// </summary>
    public async Task<int> ShipAsync(IEnumerable<int> databases, CancellationToken cancellationToken)
    {
        var pending = (await Task.WhenAll(databases.Distinct().Select(d => ReadShardAsync(d, cancellationToken))))
            .Where(p => p.Batches.Count > 0)
            .ToList();
        var tallyRows = pending.SelectMany(p => p.TallyRows).ToList();
        var minuteRows = pending.SelectMany(p => p.MinuteRows).ToList();
        if (tallyRows.Count > 0)
        {
            await tallies.InsertAsync("tallies", TallyColumns, TallyTypes, tallyRows, cancellationToken);
        }

        if (minuteRows.Count > 0)
        {
            await tallies.InsertAsync("votes_per_minute", MinuteColumns, MinuteTypes, minuteRows, cancellationToken);
        }

        await Task.WhenAll(pending.Select(p => ClearAsync(p, cancellationToken)));
        return tallyRows.Count + minuteRows.Count;
    }

    private sealed record PendingCounts(int Database, HashSet<string> Batches, List<object[]> TallyRows, List<object[]> MinuteRows);

    /// <summary>
    /// Reads up to <see cref="MaxRowsPerShip"/> rows in batch order. When the limit cuts in, the last
    /// batch read may be cut too: it is left for the next round whole, since clearing deletes by batch.
    /// </summary>
    private async Task<PendingCounts> ReadShardAsync(int database, CancellationToken cancellationToken)
    {
        var pending = new PendingCounts(database, new HashSet<string>(StringComparer.Ordinal), [], []);
        var read = 0;
        var last = "";
        await using (var connection = await shards.OpenShardAsync(database, cancellationToken))
        await using (var command = new MySqlCommand(
            $"SELECT batch_id, election_id, state, candidate, minute, votes FROM tally_outbox ORDER BY batch_id LIMIT {MaxRowsPerShip}", connection))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                read++;
                last = Convert.ToHexString((byte[])reader[0]);
                pending.Batches.Add(last);
                var votes = (ulong)reader.GetInt64(5);
                if (reader.IsDBNull(4))
                {
                    pending.TallyRows.Add([reader.GetString(1), reader.GetString(2), reader.GetString(3), last, votes]);
                }
                else
                {
                    pending.MinuteRows.Add([reader.GetString(1), DateTime.SpecifyKind(reader.GetDateTime(4), DateTimeKind.Utc), reader.GetString(2), last, votes]);
                }
            }
        }

        if (read == MaxRowsPerShip)
        {
            pending.Batches.Remove(last);
            pending.TallyRows.RemoveAll(r => (string)r[BatchColumn] == last);
            pending.MinuteRows.RemoveAll(r => (string)r[BatchColumn] == last);
        }

        return pending;
    }

    /// <summary>Deletes the shipped batches' rows (a batch's rows are read and shipped whole: LIMIT cuts a batch only when one batch exceeds it).</summary>
    private async Task ClearAsync(PendingCounts pending, CancellationToken cancellationToken)
    {
        await using var connection = await shards.OpenShardAsync(pending.Database, cancellationToken);
        await using var clear = new MySqlCommand { Connection = connection };
        clear.CommandText = "DELETE FROM tally_outbox WHERE batch_id IN (" +
                            string.Join(",", pending.Batches.Select((_, i) => $"@b{i}")) + ")";
        var index = 0;
        foreach (var batch in pending.Batches)
        {
            clear.Parameters.AddWithValue($"@b{index++}", Convert.FromHexString(batch));
        }

        await clear.ExecuteNonQueryAsync(cancellationToken);
    }
}
