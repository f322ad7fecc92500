using System.Globalization;
using MySqlConnector;
using Voting.Core.Sharding;
using Voting.Infrastructure.MySql;

namespace Voting.Infrastructure.Storage;

/// <summary>The reads of one shard database that tallies are checked and rebuilt from, each keyed by (state, candidate).</summary>
internal static class ShardTallyReads
{
    /// <summary>The election's stored ballots, counted.</summary>
    public static Task<Dictionary<(string State, string Candidate), long>> BallotsAsync(
        MySqlConnection connection, MySqlTransaction? transaction, string electionId, CancellationToken cancellationToken)
    {
        var union = string.Join(" UNION ALL ", Enumerable.Range(0, ShardLayout.TablesPerDatabase).Select(t =>
            $"SELECT state, candidate FROM `{ShardLayout.BallotTable(t)}` WHERE election_id = @e"));
        return CountsAsync(connection, transaction, $"SELECT state, candidate, COUNT(*) FROM ({union}) b GROUP BY state, candidate", electionId, cancellationToken);
    }

    /// <summary>The election's counts still in the tally outbox (written with their ballots, not folded yet).</summary>
    public static Task<Dictionary<(string State, string Candidate), long>> PendingAsync(
        MySqlConnection connection, MySqlTransaction? transaction, string electionId, CancellationToken cancellationToken) =>
        CountsAsync(
            connection, transaction, "SELECT state, candidate, SUM(votes) FROM tally_outbox WHERE election_id = @e AND minute IS NULL GROUP BY state, candidate",
            electionId, cancellationToken);

    /// <summary>The election's running totals with their versions; locked when <paramref name="forUpdate"/>.</summary>
    public static async Task<Dictionary<(string State, string Candidate), RunningTotal>> TotalsAsync(
        MySqlConnection connection, MySqlTransaction? transaction, string electionId, bool forUpdate, CancellationToken cancellationToken)
    {
        var totals = new Dictionary<(string, string), RunningTotal>();
        await using var command = new MySqlCommand(
            "SELECT state, candidate, votes, version, shipped_version FROM tally_totals WHERE election_id = @e" + (forUpdate ? " FOR UPDATE" : ""), connection, transaction);
        command.Parameters.AddWithValue("@e", electionId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            totals[(reader.GetString(0), reader.GetString(1))] = new RunningTotal((ulong)reader.GetInt64(2), (ulong)reader.GetInt64(3), (ulong)reader.GetInt64(4));
        }

        return totals;
    }

    /// <summary>The election's running totals in every shard database, each read on its own (no snapshot across shards).</summary>
    public static async Task<Dictionary<(int Shard, string State, string Candidate), RunningTotal>> AllTotalsAsync(
        MySqlShardConnections shards, string electionId, CancellationToken cancellationToken)
    {
        var totals = new Dictionary<(int, string, string), RunningTotal>();
        for (var shard = 0; shard < ShardLayout.DatabaseCount; shard++)
        {
            await using var connection = await shards.OpenShardAsync(shard, cancellationToken);
            foreach (var (pair, total) in await TotalsAsync(connection, null, electionId, forUpdate: false, cancellationToken))
            {
                totals[(shard, pair.State, pair.Candidate)] = total;
            }
        }

        return totals;
    }

    private static async Task<Dictionary<(string State, string Candidate), long>> CountsAsync(
        MySqlConnection connection, MySqlTransaction? transaction, string sql, string electionId, CancellationToken cancellationToken)
    {
        var counts = new Dictionary<(string, string), long>();
        await using var command = new MySqlCommand(sql, connection, transaction);
        command.Parameters.AddWithValue("@e", electionId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            counts[(reader.GetString(0), reader.GetString(1))] = Convert.ToInt64(reader.GetValue(2), CultureInfo.InvariantCulture);
        }

        return counts;
    }
}
