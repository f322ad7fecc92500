using System.Globalization;
using MySqlConnector;
using Voting.Core.Sharding;
using Voting.Infrastructure.ClickHouse;
using Voting.Infrastructure.MySql;

namespace Voting.Infrastructure.Storage;

/// <summary>
/// Proves the tallies: counts every stored ballot of an election in MySQL (the truth) per state and
/// candidate, and compares with ClickHouse plus whatever still waits in the shards to be shipped.
/// </summary>
public sealed class TallyReconciliation(MySqlShardConnections shards, ClickHouseTallyStore tallies)
{
    /// <summary>Ballots per "STATE/candidate" in MySQL.</summary>
    public async Task<Dictionary<string, long>> MySqlCountsAsync(string electionId, CancellationToken cancellationToken)
    {
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        for (var shard = 0; shard < ShardLayout.DatabaseCount; shard++)
        {
            await using var connection = await shards.OpenShardAsync(shard, cancellationToken);
            var union = string.Join(" UNION ALL ", Enumerable.Range(0, ShardLayout.TablesPerDatabase).Select(t =>
                $"SELECT state, candidate FROM `{ShardLayout.BallotTable(t)}` WHERE election_id = @e"));
            await using var command = new MySqlCommand($"SELECT state, candidate, COUNT(*) FROM ({union}) b GROUP BY state, candidate", connection);
            command.Parameters.AddWithValue("@e", electionId);
            await AddRowsAsync(command, counts, cancellationToken);
        }

        return counts;
    }

    /// <summary>Votes per "STATE/candidate" in ClickHouse: each shard's newest shipped total, summed.</summary>
    public async Task<Dictionary<string, long>> ClickHouseCountsAsync(string electionId, CancellationToken cancellationToken) =>
        (await tallies.CountsAsync(electionId, cancellationToken)).ToDictionary(p => $"{p.Key.State}/{p.Key.Candidate}", p => p.Value, StringComparer.Ordinal);

    /// <summary>
    /// What the tallies will say once every shard's outbox is folded and shipped: ClickHouse's total
    /// of each shard and pair, except where the shard holds a newer total not shipped yet (then that
    /// one), plus the outbox rows not folded yet. Every shipped row is still ClickHouse's own: a
    /// changed or added row there shows as a mismatch.
    /// </summary>
    public async Task<Dictionary<string, long>> TalliedCountsAsync(string electionId, CancellationToken cancellationToken)
    {
        var perShard = await tallies.CountsByShardAsync(electionId, cancellationToken);
        var outboxes = new Dictionary<string, long>(StringComparer.Ordinal);
        for (var shard = 0; shard < ShardLayout.DatabaseCount; shard++)
        {
            // One snapshot for both reads: a fold in between would move counts from one to the other.
            await using var connection = await shards.OpenShardAsync(shard, cancellationToken);
            await using var snapshot = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken);
            await using (var unshipped = new MySqlCommand(
                "SELECT state, candidate, votes FROM tally_totals WHERE election_id = @e AND unshipped = 1", connection, snapshot))
            {
                unshipped.Parameters.AddWithValue("@e", electionId);
                await using var reader = await unshipped.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken))
                {
                    perShard[(shard, reader.GetString(0), reader.GetString(1))] = reader.GetInt64(2);
                }
            }

            await using (var outbox = new MySqlCommand(
                "SELECT state, candidate, SUM(votes) FROM tally_outbox WHERE election_id = @e AND minute IS NULL GROUP BY state, candidate", connection, snapshot))
            {
                outbox.Parameters.AddWithValue("@e", electionId);
                await AddRowsAsync(outbox, outboxes, cancellationToken);
            }

            await snapshot.CommitAsync(cancellationToken);
        }

        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var (key, value) in perShard)
        {
            Add(counts, $"{key.State}/{key.Candidate}", value);
        }

        foreach (var (key, value) in outboxes)
        {
            Add(counts, key, value);
        }

        return counts;
    }

    /// <summary>Every (state, candidate) whose counts differ; empty when the tallies are exact.</summary>
    public async Task<IReadOnlyList<TallyMismatch>> CompareAsync(string electionId, CancellationToken cancellationToken)
    {
        var truth = await MySqlCountsAsync(electionId, cancellationToken);
        var tallied = await TalliedCountsAsync(electionId, cancellationToken);
        return [.. truth.Keys.Union(tallied.Keys)
            .Order(StringComparer.Ordinal)
            .Select(key => (key, mysql: truth.GetValueOrDefault(key), tally: tallied.GetValueOrDefault(key)))
            .Where(c => c.mysql != c.tally)
            .Select(c => new TallyMismatch(c.key.Split('/')[0], c.key.Split('/', 2)[1], c.mysql, c.tally))];
    }

    private static async Task AddRowsAsync(MySqlCommand command, Dictionary<string, long> counts, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            Add(counts, $"{reader.GetString(0)}/{reader.GetString(1)}", Convert.ToInt64(reader.GetValue(2), CultureInfo.InvariantCulture));
        }
    }

    private static void Add(Dictionary<string, long> counts, string key, long value) =>
        counts[key] = counts.GetValueOrDefault(key) + value;
}
