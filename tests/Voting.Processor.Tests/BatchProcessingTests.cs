using System.Text;
using System.Text.Json;
using Voting.Core.Ballots;
using Voting.Core.Sharding;
using Voting.Infrastructure.Kafka;
using Voting.Infrastructure.Storage;
using Voting.TestSupport;

namespace Voting.Processor.Tests;

public sealed class BatchProcessingTests(ProcessorFactory factory) : IClassFixture<ProcessorFactory>
{
    private static readonly string[] Candidates = ["harper", "morgan", "reyes"];

    [Fact]
    public async Task N_votes_in_give_exactly_N_ballots_and_N_participation_rows_and_tallies_equal_MySQL()
    {
        using var client = await factory.StartAsync();
        var election = LocalStack.UniqueName("e");
        var votes = ProcessorFactory.Votes(election, 600, Candidates);
        await factory.ProduceAsync(votes);

        await ProcessorFactory.EventuallyAsync(async () => await factory.CountRowsAsync(election) == (600, 600), "600 ballots stored");
        await ProcessorFactory.EventuallyAsync(async () => (await factory.ClickHouseCountsAsync(election)).Values.Sum() == 600, "600 votes tallied");

        // The counts are the votes that went in, per state and candidate, in MariaDB and in ClickHouse alike.
        var sent = votes.GroupBy(v => $"{v.State}/{v.Candidate}").OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => KeyValuePair.Create(g.Key, (long)g.Count()));
        Assert.Equal(sent, (await factory.MySqlCountsAsync(election)).OrderBy(p => p.Key, StringComparer.Ordinal));
        Assert.Equal(sent, (await factory.ClickHouseCountsAsync(election)).OrderBy(p => p.Key, StringComparer.Ordinal));
        Assert.Empty(await factory.Reconciliation.CompareAsync(election, CancellationToken.None));

        // Each ballot is the vote as sent, in the shard database of its state and the table of its id.
        var stored = await new StoredBallotReader(factory.Shards).ReadAllAsync(election, CancellationToken.None).ToDictionaryAsync(b => Convert.ToHexString(b.BallotId));
        Assert.Equal(600, stored.Count);
        foreach (var vote in votes)
        {
            var row = stored[Convert.ToHexString(vote.BallotId)];
            Assert.Equal(
                (factory.Shards.DatabaseName(ShardRouter.DatabaseFor(vote.State)), ShardLayout.BallotTable(ShardRouter.TableFor(vote.BallotId)), vote.State, vote.Candidate, Convert.ToHexString(vote.BallotHash)),
                (row.Database, row.Table, row.State, row.Candidate, Convert.ToHexString(row.BallotHash)));
        }

        // Every stored ballot has exactly one place in the election's Merkle log, and knows it.
        await factory.AssertLogExactAsync(election, 600);

        // Once the topic is idle, the group's committed offsets reach the end of every partition
        // (the last batch is committed without waiting for more votes): lag reads zero.
        await ProcessorFactory.EventuallyAsync(async () => await factory.CommittedLagAsync() == 0, "every offset committed while idle");

        var metrics = await client.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        Assert.Matches(@"voting_processor_ballots_stored_total(\{[^}]*\})? \d+", metrics);
        Assert.Matches(@"voting_processor_lag(_messages)?\{[^}]*partition=""\d+""[^}]*\} \d+", metrics);

        // Batch write times are told apart below a second: the exporter's default buckets, meant for
        // milliseconds, would put every batch of a histogram in seconds under 5 s.
        foreach (var bound in new[] { "0.1", "0.5", "1" })
        {
            Assert.Matches($@"voting_processor_batch_duration(_seconds)?_bucket\{{[^}}]*le=""{bound}""[^}}]*\}} \d+", metrics);
        }
    }

    [Fact]
    public async Task Replayed_messages_and_second_ballots_of_the_same_voters_change_nothing()
    {
        using var client = await factory.StartAsync();
        var election = LocalStack.UniqueName("e");
        var votes = ProcessorFactory.Votes(election, 200, Candidates);
        await factory.ProduceAsync(votes);
        await ProcessorFactory.EventuallyAsync(async () => await factory.CountRowsAsync(election) == (200, 200), "200 ballots stored");
        // Tallies ship behind the store: read them once all 200 are there, not while some are on their way.
        await ProcessorFactory.EventuallyAsync(async () => (await factory.ClickHouseCountsAsync(election)).Values.Sum() == 200, "200 votes tallied");
        var tallied = await factory.ClickHouseCountsAsync(election);

        // The same messages again (producer retry, crash before commit), then different ballots from the same voters.
        await factory.ProduceAsync(votes);
        await factory.ProduceAsync(ProcessorFactory.Votes(election, 50, ["morgan"]));
        var marker = LocalStack.UniqueName("marker");
        await factory.ProduceAsync(ProcessorFactory.Votes(marker, 1, Candidates));
        await ProcessorFactory.EventuallyAsync(async () => await factory.CountRowsAsync(marker) == (1, 1), "the marker vote behind them stored");
        await factory.WaitUntilDrainedAsync(election); // the marker is on one partition of several: the replays may still be on their way

        Assert.Equal((200L, 200L), await factory.CountRowsAsync(election));
        Assert.Equal(tallied.OrderBy(p => p.Key, StringComparer.Ordinal), (await factory.ClickHouseCountsAsync(election)).OrderBy(p => p.Key, StringComparer.Ordinal));
    }

    [Fact]
    public async Task Poison_messages_go_to_the_dead_letter_topic_with_their_position_and_the_rest_is_stored()
    {
        using var client = await factory.StartAsync();
        var election = LocalStack.UniqueName("e");
        var good = ProcessorFactory.Votes(election, 20, Candidates);
        var tampered = ProcessorFactory.Votes(election, 1, Candidates, firstVoter: 1000)[0] with { Candidate = "someone-else" };
        // Well-formed and correctly hashed, but stamped at a time no store can hold: it used to fail
        // its batch for ever, after the batch's ballots were in the Merkle log.
        var timeless = ProcessorFactory.Votes(election, 1, Candidates, firstVoter: 2000)[0] with { AcceptedAtUnixMs = DateTimeOffset.MaxValue.ToUnixTimeMilliseconds() + 1 };
        // Correctly hashed, of an election id the ASCII participation tables can't hold: the same.
        var foreign = ProcessorFactory.Votes("élection-" + election, 1, Candidates, firstVoter: 3000)[0];
        // Near the broker's message limit: its letter, the bytes base64-encoded, would be above it.
        var huge = JsonSerializer.SerializeToUtf8Bytes(ProcessorFactory.Votes(election, 1, Candidates, firstVoter: 4000)[0] with { Candidate = new string('x', 900_000) }, VotingJsonContext.Default.VoteMessage);

        await factory.ProduceAsync(good.Take(10));
        var undecodableAt = await factory.ProduceRawAsync("k1"u8.ToArray(), "{not json"u8.ToArray());
        var tamperedAt = await factory.ProduceRawAsync("k2"u8.ToArray(), JsonSerializer.SerializeToUtf8Bytes(tampered, VotingJsonContext.Default.VoteMessage));
        var timelessAt = await factory.ProduceRawAsync(timeless.Pseudonym, JsonSerializer.SerializeToUtf8Bytes(timeless, VotingJsonContext.Default.VoteMessage));
        var foreignAt = await factory.ProduceRawAsync(foreign.Pseudonym, JsonSerializer.SerializeToUtf8Bytes(foreign, VotingJsonContext.Default.VoteMessage));
        var hugeAt = await factory.ProduceRawAsync("k5"u8.ToArray(), huge);
        await factory.ProduceAsync(good.Skip(10));

        await ProcessorFactory.EventuallyAsync(async () => await factory.CountRowsAsync(election) == (20, 20), "the 20 good ballots stored");
        await factory.WaitUntilDrainedAsync(election); // the poison messages may be in another batch still in flight
        var letters = TopicReader.ReadAll(factory.Kafka, factory.Kafka.DeadLetterTopic)
            .Select(m => JsonSerializer.Deserialize(m.Message.Value, DeadLetterJsonContext.Default.DeadLetter)!)
            .ToList();
        Assert.Equal(5, letters.Count);
        // Each letter names the message's own place on the votes topic (what a replay and an operator go by), and holds it whole.
        static (string, int, long) At(Confluent.Kafka.TopicPartitionOffset at) => (at.Topic, at.Partition.Value, at.Offset.Value);
        var undecodable = Assert.Single(letters, l => l.Error.StartsWith("undecodable", StringComparison.Ordinal));
        Assert.Equal((At(undecodableAt), "{not json"), ((undecodable.OriginalTopic, undecodable.OriginalPartition, undecodable.OriginalOffset), Encoding.UTF8.GetString(undecodable.Value)));
        var mismatched = Assert.Single(letters, l => l.Error == "ballot hash does not match the ballot");
        Assert.Equal(At(tamperedAt), (mismatched.OriginalTopic, mismatched.OriginalPartition, mismatched.OriginalOffset));
        var outOfRange = Assert.Single(letters, l => l.Error == "accepted time 253402300800000 ms since 1970 is not within the years 2000–2099");
        Assert.Equal(At(timelessAt), (outOfRange.OriginalTopic, outOfRange.OriginalPartition, outOfRange.OriginalOffset));
        Assert.Equal(JsonSerializer.SerializeToUtf8Bytes(timeless, VotingJsonContext.Default.VoteMessage), outOfRange.Value);
        var unstorable = Assert.Single(letters, l => l.Error.StartsWith("election id is not ", StringComparison.Ordinal));
        Assert.Equal(At(foreignAt), (unstorable.OriginalTopic, unstorable.OriginalPartition, unstorable.OriginalOffset));
        var tooLong = Assert.Single(letters, l => l.Error.StartsWith("candidate missing or longer than", StringComparison.Ordinal));
        Assert.Equal(At(hugeAt), (tooLong.OriginalTopic, tooLong.OriginalPartition, tooLong.OriginalOffset));
        Assert.Equal(huge.Length + 2, tooLong.CutFrom);
        Assert.Equal(huge.AsSpan(0, DeadLetter.MaxHeldBytes - 2).ToArray(), tooLong.Value);
    }

    [Fact]
    public async Task A_ballot_whose_id_another_stored_ballot_holds_is_refused_and_the_votes_behind_it_are_stored()
    {
        using var client = await factory.StartAsync();
        var election = LocalStack.UniqueName("e");
        // Voters 0, 6, 12 and 18 all vote in the same state, so in the same shard database.
        var votes = ProcessorFactory.Votes(election, 19, Candidates);
        VoteMessage WithIdOf(VoteMessage vote, VoteMessage holder)
        {
            var ballot = new Ballot(election, vote.State, vote.Candidate, holder.BallotId);
            return vote with { BallotId = holder.BallotId, BallotHash = BallotHash.Compute(ballot) };
        }

        // The id of a ballot already stored, and two new ballots sharing one id in one batch: no ingest
        // sends either (ids are random), but such a message used to fail its batch's write for ever.
        await factory.ProduceAsync([votes[0]]);
        await ProcessorFactory.EventuallyAsync(async () => await factory.CountRowsAsync(election) == (1, 1), "the first ballot stored");
        await factory.ProduceAsync([WithIdOf(votes[6], votes[0]), votes[12], WithIdOf(votes[18], votes[12])]);
        var marker = LocalStack.UniqueName("marker");
        await factory.ProduceAsync(ProcessorFactory.Votes(marker, 1, Candidates));

        await ProcessorFactory.EventuallyAsync(async () => await factory.CountRowsAsync(marker) == (1, 1), "the marker vote behind them stored");
        await factory.WaitUntilDrainedAsync(election);
        // One ballot per id, each with its own voter's participation; the refused ones are not stored.
        Assert.Equal((2L, 2L), await factory.CountRowsAsync(election));
        var stored = await new StoredBallotReader(factory.Shards).ReadAllAsync(election, CancellationToken.None).ToListAsync();
        Assert.Equal(
            new[] { votes[0].BallotId, votes[12].BallotId }.Select(Convert.ToHexString).Order(StringComparer.Ordinal),
            stored.Select(b => Convert.ToHexString(b.BallotId)).Order(StringComparer.Ordinal));
        Assert.Contains(stored, b => b.BallotHash.AsSpan().SequenceEqual(votes[0].BallotHash));
    }
}
