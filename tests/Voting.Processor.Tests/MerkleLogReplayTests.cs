using MySqlConnector;
using Voting.Core.Sharding;
using Voting.Infrastructure.MySql;
using Voting.Infrastructure.Storage;
using Voting.TestSupport;

namespace Voting.Processor.Tests;

public sealed class MerkleLogReplayTests
{
    /// <summary>
    /// A processor that died after the log committed but before it cleared the outboxes leaves hashes
    /// the log already holds. Appending them again (alone, or mixed with new ones) must keep each at
    /// its position and give only the new ones new leaves.
    /// </summary>
    [Fact]
    public async Task Hashes_already_in_the_log_keep_their_positions_when_their_outbox_rows_come_back()
    {
        await using var factory = new ProcessorFactory();
        var migrator = new MySqlSchemaMigrator(factory.Shards, TestLoggers.For<MySqlSchemaMigrator>());
        await migrator.MigrateAsync(MySqlMigrations.All, CancellationToken.None);
        await migrator.MigrateLogAsync(MerkleLogMigrations.All, CancellationToken.None);
        var election = LocalStack.UniqueName("e");
        var appender = new MerkleLogAppender(factory.Shards);
        var store = new BallotStore(factory.Shards);

        var first = await store.WriteBatchAsync(ProcessorFactory.Votes(election, 40, ["harper", "morgan"]), CancellationToken.None);
        Assert.Equal(40, await appender.AppendAsync(first.Shards, CancellationToken.None));
        var before = await LeavesAsync(factory, election, 40);

        // The crash: every ballot of the first batch back in its shard's outbox, beside a new batch.
        await RequeueAsync(factory.Shards, election);
        var second = await store.WriteBatchAsync(ProcessorFactory.Votes(election, 25, ["harper", "morgan"], firstVoter: 1000), CancellationToken.None);
        Assert.Equal(25, await appender.AppendAllAsync(CancellationToken.None));

        var after = await LeavesAsync(factory, election, 65);
        Assert.All(before, leaf => Assert.Equal(leaf.Value, after[leaf.Key]));
        Assert.Equal(65, after.Values.Distinct().Count());
        await factory.AssertLogExactAsync(election, 65);

        // Only known hashes: nothing appended, nothing moved.
        await RequeueAsync(factory.Shards, election);
        Assert.Equal(0, await appender.AppendAllAsync(CancellationToken.None));
        Assert.Equal(after, await LeavesAsync(factory, election, 65));
        Assert.Equal(65, second.Stored.Count + first.Stored.Count);
    }

    private static async Task<Dictionary<string, long>> LeavesAsync(ProcessorFactory factory, string election, int expectedSize)
    {
        Assert.Equal(expectedSize, await factory.Log.TreeSizeAsync(election, CancellationToken.None));
        return await factory.Log.LeavesAsync(election, 0, expectedSize, CancellationToken.None)
            .ToDictionaryAsync(l => Convert.ToHexString(l.BallotHash), l => l.Index);
    }

    /// <summary>Puts every stored ballot of the election back into its shard's log outbox.</summary>
    private static async Task RequeueAsync(MySqlShardConnections shards, string election)
    {
        for (var shard = 0; shard < ShardLayout.DatabaseCount; shard++)
        {
            await using var connection = await shards.OpenShardAsync(shard, CancellationToken.None);
            for (var table = 0; table < ShardLayout.TablesPerDatabase; table++)
            {
                await using var command = new MySqlCommand(
                    $"INSERT INTO log_outbox (election_id, ballot_table, ballot_hash) SELECT election_id, {table}, ballot_hash FROM `{ShardLayout.BallotTable(table)}` WHERE election_id = @e",
                    connection);
                command.Parameters.AddWithValue("@e", election);
                await command.ExecuteNonQueryAsync();
            }
        }
    }
}
