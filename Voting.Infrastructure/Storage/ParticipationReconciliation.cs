using System.Globalization;
using MySqlConnector;
using Voting.Core.Sharding;
using Voting.Infrastructure.MySql;

namespace Voting.Infrastructure.Storage;

/// <summary>
/// Proves every ballot row has its voter: in each shard database, from one snapshot, the election's
/// ballot rows and participation rows counted per (state, recorded hour). The processor writes both
/// rows of a vote in one transaction, with the same state and hour, so the counts are equal in every
/// group while votes are being stored too. A ballot row added behind the system's back (with its leaf
/// appended, so the log and the tallies agree with it), or a participation row deleted (so its voter
/// could vote again), shows as a difference. Only counts are compared: nothing links the two kinds of row.
/// </summary>
public sealed class ParticipationReconciliation(MySqlShardConnections shards)
{
    /// <summary>Every (shard database, state, hour) whose counts differ; empty when every ballot has its voter.</summary>
    public async Task<IReadOnlyList<ParticipationMismatch>> CompareAsync(string electionId, CancellationToken cancellationToken)
    {
        var mismatches = new List<ParticipationMismatch>();
        for (var shard = 0; shard < ShardLayout.DatabaseCount; shard++)
        {
            await using var connection = await shards.OpenShardAsync(shard, cancellationToken);
            // Repeatable read: the snapshot is taken at the first read, and the second reads the same one.
            await using var snapshot = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken);
            var ballots = await CountsAsync(connection, snapshot, ShardLayout.BallotTable, electionId, cancellationToken);
            var voters = await CountsAsync(connection, snapshot, ShardLayout.ParticipationTable, electionId, cancellationToken);
            await snapshot.CommitAsync(cancellationToken);

            foreach (var group in ballots.Keys.Union(voters.Keys).OrderBy(g => g.State, StringComparer.Ordinal).ThenBy(g => g.Hour))
            {
                var (voted, cast) = (voters.GetValueOrDefault(group), ballots.GetValueOrDefault(group));
                if (voted != cast)
                {
                    mismatches.Add(new ParticipationMismatch(shards.DatabaseName(shard), group.State, group.Hour, voted, cast));
                }
            }
        }

        return mismatches;
    }

    private static async Task<Dictionary<(string State, DateTime Hour), long>> CountsAsync(
        MySqlConnection connection, MySqlTransaction snapshot, Func<int, string> table, string electionId, CancellationToken cancellationToken)
    {
        // Grouped in each table, then summed: the server holds a few rows per table, not every row.
        var union = string.Join(" UNION ALL ", Enumerable.Range(0, ShardLayout.TablesPerDatabase).Select(t =>
            $"SELECT state, recorded_hour, COUNT(*) AS n FROM `{table(t)}` WHERE election_id = @e GROUP BY state, recorded_hour"));
        await using var command = new MySqlCommand($"SELECT state, recorded_hour, SUM(n) FROM ({union}) r GROUP BY state, recorded_hour", connection, snapshot);
        command.Parameters.AddWithValue("@e", electionId);
        var counts = new Dictionary<(string, DateTime), long>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            counts[(reader.GetString(0), reader.GetDateTime(1))] = Convert.ToInt64(reader.GetValue(2), CultureInfo.InvariantCulture);
        }

        return counts;
    }
}
