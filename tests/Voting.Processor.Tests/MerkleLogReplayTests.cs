using MySqlConnector;
using Voting.Core.Ballots;
using Voting.Core.Sharding;
using Voting.Infrastructure.MySql;
using Voting.Infrastructure.Storage;
using Voting.TestSupport;

namespace Voting.Processor.Tests;

public sealed class MerkleLogReplayTests
{
    /// <summary>
    /// The processor appends a batch's new ballots to the Merkle log, then writes them with their leaf
    /// indices, then commits its offsets; a crash after either write replays the batch. Its ballots
    /// then come back, alone or beside new ones: those stored are replays and change nothing, those
    /// the log holds without a row keep their positions, and nothing is appended twice.
    /// </summary>
    [Fact]
    public async Task Replayed_ballots_keep_their_log_positions_and_ones_the_crash_kept_out_get_theirs()
    {
        await using var factory = await ProcessorFactory.MigratedAsync();
        var election = LocalStack.UniqueName("e");
        var recorder = Recorder(factory);
        var firstBatch = ProcessorFactory.Votes(election, 40, ["harper", "morgan"]);

        var first = await recorder.RecordAsync(firstBatch, CancellationToken.None);
        Assert.Equal((40, 40), (first.Stored.Count, first.LeavesAppended));
        await factory.AssertLogExactAsync(election, 40);
        var before = await LeavesAsync(factory, election, 40);

        // Crash after the shard write, before the offsets: the batch comes back beside a new one.
        var second = await recorder.RecordAsync([.. firstBatch, .. ProcessorFactory.Votes(election, 25, ["harper", "morgan"], firstVoter: 1000)], CancellationToken.None);
        Assert.Equal((25, 40, 25), (second.Stored.Count, second.Replayed.Count, second.LeavesAppended));
        var after = await LeavesAsync(factory, election, 65);
        Assert.All(before, leaf => Assert.Equal(leaf.Value, after[leaf.Key]));
        await factory.AssertLogExactAsync(election, 65);

        // Crash between the log append and the shard write: the replay finds the ballots logged, not stored.
        var thirdBatch = ProcessorFactory.Votes(election, 10, ["harper", "morgan"], firstVoter: 2000);
        var logged = await new MerkleLogAppender(factory.Shards).AppendAsync(thirdBatch, CancellationToken.None);
        Assert.Equal(10, logged.Appended);
        var third = await recorder.RecordAsync(thirdBatch, CancellationToken.None);
        Assert.Equal((10, 0, 0), (third.Stored.Count, third.Replayed.Count, third.LeavesAppended));
        await factory.AssertLogExactAsync(election, 75);
        var withThird = await LeavesAsync(factory, election, 75);
        Assert.All(thirdBatch, v => Assert.Equal(logged.Positions[BallotStore.HashKey(v)], withThird[Convert.ToHexString(v.BallotHash)]));

        // Everything again: nothing appended, nothing moved, nothing stored.
        var final = await LeavesAsync(factory, election, 75);
        var again = await recorder.RecordAsync([.. firstBatch, .. thirdBatch], CancellationToken.None);
        Assert.Equal((0, 50, 0), (again.Stored.Count, again.Replayed.Count, again.LeavesAppended));
        Assert.Equal(final, await LeavesAsync(factory, election, 75));
    }

    /// <summary>
    /// A ballot an earlier processor version stored and never appended (it wrote rows first, the log
    /// after, and stopped in between) gets its place in the log and its index in its row when replayed.
    /// </summary>
    [Fact]
    public async Task A_ballot_stored_without_a_leaf_by_an_earlier_version_gets_one_when_replayed()
    {
        await using var factory = await ProcessorFactory.MigratedAsync();
        var election = LocalStack.UniqueName("e");
        var recorder = Recorder(factory);
        Assert.Equal(30, (await recorder.RecordAsync(ProcessorFactory.Votes(election, 30, ["harper", "morgan"]), CancellationToken.None)).Stored.Count);
        var unlogged = ProcessorFactory.Votes(election, 6, ["harper", "morgan"], firstVoter: 500);
        foreach (var vote in unlogged)
        {
            await StoreWithoutLeafAsync(factory.Shards, vote);
        }

        var replay = await recorder.RecordAsync([.. unlogged, .. ProcessorFactory.Votes(election, 4, ["harper"], firstVoter: 600)], CancellationToken.None);

        Assert.Equal((4, 6, 0, 10), (replay.Stored.Count, replay.Replayed.Count, replay.DuplicateAttempts, replay.LeavesAppended));
        await factory.AssertLogExactAsync(election, 40);
    }

    /// <summary>
    /// Two batches in flight at once, the second holding another ballot of every voter of the first
    /// (and one message of the first again): exactly one ballot per voter is stored, the other counted
    /// as a second ballot, and the log holds exactly the stored ones: no leaf without its row.
    /// </summary>
    [Fact]
    public async Task Batches_in_flight_together_never_give_a_second_ballot_a_leaf()
    {
        await using var factory = await ProcessorFactory.MigratedAsync();
        var election = LocalStack.UniqueName("e");
        var recorder = Recorder(factory);
        var firstBallots = ProcessorFactory.Votes(election, 200, ["harper", "morgan"]);
        var secondBallots = ProcessorFactory.Votes(election, 200, ["morgan", "harper"]);

        var outcomes = await Task.WhenAll(
            Task.Run(() => recorder.RecordAsync(firstBallots, CancellationToken.None)),
            Task.Run(() => recorder.RecordAsync([.. secondBallots, firstBallots[0]], CancellationToken.None)));

        // Whichever batch reserves a voter first decides: the repeated message is a replay if the
        // first batch got there first, else one more second ballot.
        Assert.Equal(200, outcomes.Sum(o => o.Stored.Count));
        Assert.Equal(201, outcomes.Sum(o => o.DuplicateAttempts + o.Replayed.Count));
        Assert.InRange(outcomes.Sum(o => o.DuplicateAttempts), 200, 201);
        await AssertEveryLeafHasItsRowAsync(factory, election, outcomes, 200);
    }

    /// <summary>
    /// Two processors holding the same messages at once (a rebalance hands a partition over while its
    /// old owner is still writing): both find the voters new and append, and one of them finds the
    /// rows stored when it writes. Each ballot is stored once, under the one leaf the log gave its hash.
    /// </summary>
    [Fact]
    public async Task Two_processors_recording_the_same_batch_at_once_store_it_once()
    {
        await using var factory = await ProcessorFactory.MigratedAsync();
        var election = LocalStack.UniqueName("e");
        var batch = ProcessorFactory.Votes(election, 300, ["harper", "morgan"]);

        var outcomes = await Task.WhenAll(
            Task.Run(() => Recorder(factory).RecordAsync(batch, CancellationToken.None)),
            Task.Run(() => Recorder(factory).RecordAsync(batch, CancellationToken.None)));

        Assert.Equal(300, outcomes.Sum(o => o.Stored.Count));
        Assert.Equal(300, outcomes.Sum(o => o.Replayed.Count));
        Assert.Equal(0, outcomes.Sum(o => o.DuplicateAttempts));

        // The processor that came second to the log got a range too: it is handed back if no range
        // was handed out after it, else filled with void leaves.
        await AssertEveryLeafHasItsRowAsync(factory, election, outcomes, 300, voidsAllowed: 300);
    }

    /// <summary>
    /// A batch whose shard write fails after its log append keeps its voters until it is retried: a
    /// later batch holding other ballots of theirs counts those as second ballots, and the retry
    /// stores the first ones under the leaves appended for them. No leaf is left without its row.
    /// </summary>
    [Fact]
    public async Task A_batch_failing_after_its_log_append_keeps_its_voters_until_its_retry()
    {
        await using var factory = await ProcessorFactory.MigratedAsync();
        var election = LocalStack.UniqueName("e");
        var recorder = Recorder(factory);
        var first = ProcessorFactory.Votes(election, 60, ["harper", "morgan"]);
        var second = ProcessorFactory.Votes(election, 60, ["morgan", "harper"]);
        var batch = new object();

        // One shard's ballot table is held, so that shard's write waits after the log append; then the attempt is given up.
        var held = first[0];
        await using (var blocker = await factory.Shards.OpenShardAsync(ShardRouter.DatabaseFor(held.State), CancellationToken.None))
        {
            await using (var hold = new MySqlCommand($"LOCK TABLES `{ShardLayout.BallotTable(ShardRouter.TableFor(held.BallotId))}` WRITE", blocker))
            {
                await hold.ExecuteNonQueryAsync();
            }

            using var attempt = new CancellationTokenSource();
            var failing = recorder.RecordAsync(first, batch, attempt.Token);
            await ProcessorFactory.EventuallyAsync(async () => await factory.Log.TreeSizeAsync(election, CancellationToken.None) == 60, "the first attempt's log append");
            // The other shard databases' writes commit (one transaction each); only the held one's waits.
            var heldDatabase = ShardRouter.DatabaseFor(held.State);
            var elsewhere = first.Count(v => ShardRouter.DatabaseFor(v.State) != heldDatabase);
            await ProcessorFactory.EventuallyAsync(
                async () => await ElectionRows.ParticipationInAsync(factory.Shards, election, Enumerable.Range(0, ShardLayout.DatabaseCount).Where(d => d != heldDatabase)) == elsewhere,
                "the first attempt's writes to the shard databases not held");
            attempt.Cancel();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => failing);
            await using var release = new MySqlCommand("UNLOCK TABLES", blocker);
            await release.ExecuteNonQueryAsync();
        }

        var later = await recorder.RecordAsync(second, CancellationToken.None);
        Assert.Equal((0, 60), (later.Stored.Count, later.DuplicateAttempts));

        var retried = await recorder.RecordAsync(first, batch, CancellationToken.None);
        recorder.Release(batch);
        Assert.InRange(retried.Stored.Count, 1, 59);
        Assert.Equal(60, retried.Stored.Count + retried.Replayed.Count);
        Assert.Equal(0, retried.LeavesAppended);
        Assert.Empty(retried.LeavesWithoutRow);
        await factory.AssertLogExactAsync(election, 60);
    }

    private static BatchRecorder Recorder(ProcessorFactory factory) => new(new BallotStore(factory.Shards), new MerkleLogAppender(factory.Shards));

    /// <summary>
    /// Batches recorded at once appended <paramref name="leaves"/> leaves between them, none without
    /// its row; the log holds each ballot once and nothing else but the void leaves of a range handed
    /// to a batch that found its ballots logged by the other (at most <paramref name="voidsAllowed"/>).
    /// </summary>
    private static async Task AssertEveryLeafHasItsRowAsync(ProcessorFactory factory, string election, BatchOutcome[] outcomes, int leaves, int voidsAllowed = 0)
    {
        Assert.Empty(outcomes.SelectMany(o => o.LeavesWithoutRow));
        Assert.Equal(leaves, outcomes.Sum(o => o.LeavesAppended));
        var voids = await factory.AssertLogHoldsEachBallotOnceAsync(election, leaves);
        Assert.True(voids == 0 || voids == voidsAllowed, $"{voids} void leaves");
    }

    /// <summary>What a processor from before write-once left when it stopped between its shard commit and its log append.</summary>
    private static async Task StoreWithoutLeafAsync(MySqlShardConnections shards, VoteMessage vote)
    {
        var address = ShardRouter.Route(vote.State, vote.Pseudonym);
        await using var connection = await shards.OpenShardAsync(address.Database, CancellationToken.None);
        await using var insert = new MySqlCommand(
            $"""
            INSERT INTO `{ShardLayout.ParticipationTable(address.Table)}` (election_id, pseudonym, state, recorded_hour) VALUES (@e, @p, @s, @h);
            INSERT INTO `{ShardLayout.BallotTable(ShardRouter.TableFor(vote.BallotId))}` (election_id, ballot_id, state, candidate, ballot_hash, recorded_hour)
              VALUES (@e, @b, @s, @c, @x, @h)
            """, connection);
        insert.Parameters.AddWithValue("@e", vote.ElectionId);
        insert.Parameters.AddWithValue("@p", vote.Pseudonym);
        insert.Parameters.AddWithValue("@s", vote.State);
        insert.Parameters.AddWithValue("@h", VoteMessageRules.RecordedHour(vote.AcceptedAtUnixMs));
        insert.Parameters.AddWithValue("@b", vote.BallotId);
        insert.Parameters.AddWithValue("@c", vote.Candidate);
        insert.Parameters.AddWithValue("@x", vote.BallotHash);
        await insert.ExecuteNonQueryAsync();
    }

    private static async Task<Dictionary<string, long>> LeavesAsync(ProcessorFactory factory, string election, int expectedSize)
    {
        Assert.Equal(expectedSize, await factory.Log.TreeSizeAsync(election, CancellationToken.None));
        return await factory.Log.LeavesAsync(election, 0, expectedSize, CancellationToken.None)
            .ToDictionaryAsync(l => Convert.ToHexString(l.BallotHash), l => l.Index);
    }
}
