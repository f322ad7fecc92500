using System.Globalization;
using MySqlConnector;
using Voting.Core.Sharding;
using Voting.Infrastructure.MySql;

namespace Voting.TestSupport;

/// <summary>Counts an election's rows in the participation and the ballot tables of all 16 × 64 shards.</summary>
public static class ElectionRows
{
    public static async Task<(long Participation, long Ballots)> CountAsync(MySqlShardConnections shards, string electionId)
    {
        long participation = 0, ballots = 0;
        for (var shard = 0; shard < ShardLayout.DatabaseCount; shard++)
        {
            await using var connection = await shards.OpenShardAsync(shard, CancellationToken.None);
            participation += await SumAsync(connection, Enumerable.Range(0, ShardLayout.TablesPerDatabase).Select(ShardLayout.ParticipationTable), electionId);
            ballots += await SumAsync(connection, Enumerable.Range(0, ShardLayout.TablesPerDatabase).Select(ShardLayout.BallotTable), electionId);
        }

        return (participation, ballots);
    }

    /// <summary>
    /// The election's participation rows in <paramref name="databases"/> only: a count that reads no
    /// ballot table, so it is not held up by one a test keeps locked.
    /// </summary>
    public static async Task<long> ParticipationInAsync(MySqlShardConnections shards, string electionId, IEnumerable<int> databases)
    {
        long participation = 0;
        foreach (var shard in databases)
        {
            await using var connection = await shards.OpenShardAsync(shard, CancellationToken.None);
            participation += await SumAsync(connection, Enumerable.Range(0, ShardLayout.TablesPerDatabase).Select(ShardLayout.ParticipationTable), electionId);
        }

        return participation;
    }

    private static async Task<long> SumAsync(MySqlConnection connection, IEnumerable<string> tables, string electionId)
    {
        var sql = "SELECT " + string.Join(" + ", tables.Select(t => $"(SELECT COUNT(*) FROM `{t}` WHERE election_id = @e)"));
        await using var command = new MySqlCommand(sql, connection);
        command.Parameters.AddWithValue("@e", electionId);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }
}
