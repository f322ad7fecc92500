using Voting.Infrastructure.MySql;
using Voting.Infrastructure.Storage;
using Voting.TestSupport;

namespace Voting.Processor.Tests;

public sealed class MerkleLogReplayTests
{
    /// <summary>
    /// The processor appends a batch to the Merkle log after its shard commit and before its offsets
    /// are committed; a crash at either point replays the batch. Its ballots then come back as
    /// replays, alone or beside new ones: those already in the log keep their positions, those the
    /// crash kept out get theirs, and nothing is appended twice.
    /// </summary>
    [Fact]
    public async Task Replayed_ballots_keep_their_log_positions_and_ones_the_crash_kept_out_get_theirs()
    {
        await using var factory = new ProcessorFactory();
        var migrator = new MySqlSchemaMigrator(factory.Shards, TestLoggers.For<MySqlSchemaMigrator>());
        await migrator.MigrateAsync(MySqlMigrations.All, CancellationToken.None);
        await migrator.MigrateLogAsync(MerkleLogMigrations.All, CancellationToken.None);
        var election = LocalStack.UniqueName("e");
        var appender = new MerkleLogAppender(factory.Shards);
        var store = new BallotStore(factory.Shards);
        var firstBatch = ProcessorFactory.Votes(election, 40, ["harper", "morgan"]);

        var first = await store.WriteBatchAsync(firstBatch, CancellationToken.None);
        Assert.Equal(40, await appender.AppendAsync(first.ForLog, CancellationToken.None));
        var before = await LeavesAsync(factory, election, 40);

        // Crash after the log append, before the offsets: the batch comes back beside a new one.
        var second = await store.WriteBatchAsync([.. firstBatch, .. ProcessorFactory.Votes(election, 25, ["harper", "morgan"], firstVoter: 1000)], CancellationToken.None);
        Assert.Equal((25, 40), (second.Stored.Count, second.Replayed.Count));
        Assert.Equal(25, await appender.AppendAsync(second.ForLog, CancellationToken.None));
        var after = await LeavesAsync(factory, election, 65);
        Assert.All(before, leaf => Assert.Equal(leaf.Value, after[leaf.Key]));
        Assert.Equal(65, after.Values.Distinct().Count());
        await factory.AssertLogExactAsync(election, 65);

        // Crash between the shard commit and the log append: the replay finds the ballots stored, not logged.
        var thirdBatch = ProcessorFactory.Votes(election, 10, ["harper", "morgan"], firstVoter: 2000);
        Assert.Equal(10, (await store.WriteBatchAsync(thirdBatch, CancellationToken.None)).Stored.Count);
        var third = await store.WriteBatchAsync(thirdBatch, CancellationToken.None);
        Assert.Equal((0, 10), (third.Stored.Count, third.Replayed.Count));
        Assert.Equal(10, await appender.AppendAsync(third.ForLog, CancellationToken.None));
        await factory.AssertLogExactAsync(election, 75);

        // Everything again: nothing appended, nothing moved.
        var final = await LeavesAsync(factory, election, 75);
        var again = await store.WriteBatchAsync([.. firstBatch, .. thirdBatch], CancellationToken.None);
        Assert.Equal(0, await appender.AppendAsync(again.ForLog, CancellationToken.None));
        Assert.Equal(final, await LeavesAsync(factory, election, 75));
    }

    private static async Task<Dictionary<string, long>> LeavesAsync(ProcessorFactory factory, string election, int expectedSize)
    {
        Assert.Equal(expectedSize, await factory.Log.TreeSizeAsync(election, CancellationToken.None));
        return await factory.Log.LeavesAsync(election, 0, expectedSize, CancellationToken.None)
            .ToDictionaryAsync(l => Convert.ToHexString(l.BallotHash), l => l.Index);
    }
}
