using System.Globalization;
using MySqlConnector;
using Voting.Core.Sharding;
using Voting.Infrastructure.ClickHouse;
using Voting.Infrastructure.MySql;

namespace Voting.Infrastructure.Storage;

/// <summary>
/// Proves the tallies: counts every stored ballot of an election in MySQL (the truth) per state and
/// candidate, and compares with ClickHouse plus whatever still waits in the tally outboxes.
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

    /// <summary>Votes per "STATE/candidate" in ClickHouse, each shipped batch once.</summary>
    public async Task<Dictionary<string, long>> ClickHouseCountsAsync(string electionId, CancellationToken cancellationToken) =>
        (await tallies.CountsAsync(electionId, cancellationToken)).ToDictionary(p => $"{p.Key.State}/{p.Key.Candidate}", p => p.Value, StringComparer.Ordinal);

    /// <summary>Votes per "STATE/candidate" committed with their ballots but not yet shipped to ClickHouse.</summary>
    public async Task<Dictionary<string, long>> PendingCountsAsync(string electionId, CancellationToken cancellationToken)
    {
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        for (var shard = 0; shard < ShardLayout.DatabaseCount; shard++)
        {
            await using var connection = await shards.OpenShardAsync(shard, cancellationToken);
            await using var command = new MySqlCommand(
                "SELECT state, candidate, SUM(votes) FROM tally_outbox WHERE election_id = @e AND minute IS NULL GROUP BY state, candidate", connection);
            command.Parameters.AddWithValue("@e", electionId);
            await AddRowsAsync(command, counts, cancellationToken);
        }

        return counts;
    }

    /// <summary>ClickHouse plus pending: what the tallies will say once the outboxes are shipped.</summary>
    public async Task<Dictionary<string, long>> TalliedCountsAsync(string electionId, CancellationToken cancellationToken)
    {
        var counts = await ClickHouseCountsAsync(electionId, cancellationToken);
        foreach (var (key, value) in await PendingCountsAsync(electionId, cancellationToken))
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
