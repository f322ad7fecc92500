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
    private const int MaxRowsPerShip = 50_000;

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

    /// <summary>Ships the pending counts of <paramref name="databases"/>; returns the rows shipped.</summary>
    public async Task<int> ShipAsync(IEnumerable<int> databases, CancellationToken cancellationToken)
    {
        var shipped = await Task.WhenAll(databases.Distinct().Select(d => ShipShardAsync(d, cancellationToken)));
        return shipped.Sum();
    }

    private async Task<int> ShipShardAsync(int database, CancellationToken cancellationToken)
    {
        await using var connection = await shards.OpenShardAsync(database, cancellationToken);
        var tallyRows = new List<object[]>();
        var minuteRows = new List<object[]>();
        var batches = new HashSet<string>(StringComparer.Ordinal);
        await using (var read = new MySqlCommand(
            $"SELECT batch_id, election_id, state, candidate, minute, votes FROM tally_outbox LIMIT {MaxRowsPerShip}", connection))
        await using (var reader = await read.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                var batch = Convert.ToHexString((byte[])reader[0]);
                batches.Add(batch);
                var votes = (ulong)reader.GetInt64(5);
                if (reader.IsDBNull(4))
                {
                    tallyRows.Add([reader.GetString(1), reader.GetString(2), reader.GetString(3), batch, votes]);
                }
                else
                {
                    minuteRows.Add([reader.GetString(1), DateTime.SpecifyKind(reader.GetDateTime(4), DateTimeKind.Utc), reader.GetString(2), batch, votes]);
                }
            }
        }

        if (batches.Count == 0)
        {
            return 0;
        }

        if (tallyRows.Count > 0)
        {
            await tallies.InsertAsync("tallies", TallyColumns, TallyTypes, tallyRows, cancellationToken);
        }

        if (minuteRows.Count > 0)
        {
            await tallies.InsertAsync("votes_per_minute", MinuteColumns, MinuteTypes, minuteRows, cancellationToken);
        }

        await using var clear = new MySqlCommand { Connection = connection };
        clear.CommandText = "DELETE FROM tally_outbox WHERE batch_id IN (" +
                            string.Join(",", batches.Select((_, i) => $"@b{i}")) + ")";
        var index = 0;
        foreach (var batch in batches)
        {
            clear.Parameters.AddWithValue($"@b{index++}", Convert.FromHexString(batch));
        }

        await clear.ExecuteNonQueryAsync(cancellationToken);
        return tallyRows.Count + minuteRows.Count;
    }
}
