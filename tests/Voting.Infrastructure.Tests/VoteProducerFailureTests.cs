using Confluent.Kafka;
using Voting.Core.Ballots;
using Voting.Infrastructure.Kafka;
using Voting.TestSupport;

namespace Voting.Infrastructure.Tests;

/// <summary>Which delivery reports acknowledge a vote, and which failures may still have stored it.</summary>
public sealed class VoteProducerFailureTests
{
    [Fact]
    public void Only_a_persisted_report_without_an_error_acknowledges_the_vote() =>
        Assert.Null(VoteProducer.Failure(new Error(ErrorCode.NoError), PersistenceStatus.Persisted));

    [Fact]
    public void A_vote_refused_before_it_reached_the_broker_was_not_recorded()
    {
        var failure = VoteProducer.Failure(new Error(ErrorCode.Local_QueueFull), PersistenceStatus.NotPersisted);
        Assert.NotNull(failure);
        Assert.False(failure.MayHaveReachedKafka);
        Assert.StartsWith("Kafka did not take the vote: ", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_vote_that_timed_out_on_its_way_may_have_been_recorded()
    {
        var failure = VoteProducer.Failure(new Error(ErrorCode.Local_MsgTimedOut), PersistenceStatus.PossiblyPersisted);
        Assert.NotNull(failure);
        Assert.True(failure.MayHaveReachedKafka);
    }

    [Fact]
    public async Task A_producer_that_can_no_longer_send_answers_each_vote_not_recorded_instead_of_throwing()
    {
        // At shutdown a batch can reach a producer already disposed; the client then throws something
        // other than a KafkaException. Each vote must still get its own answer (not stored: 503, its lock
        // freed), never an exception that fails the whole batch with 500.
        var producer = new VoteProducer(LocalStack.Kafka(LocalStack.UniqueName("it_votes")), messageTimeoutMs: 10_000);
        producer.Dispose();

        var failures = await producer.ProduceAllAsync([Vote("OH"), Vote("PA")]);

        Assert.Equal(2, failures.Length);
        Assert.All(failures, failure =>
        {
            Assert.NotNull(failure);
            Assert.False(failure.MayHaveReachedKafka);
            Assert.StartsWith("Kafka did not take the vote: ", failure.Message, StringComparison.Ordinal);
        });
    }

    private static VoteMessage Vote(string state)
    {
        var ballot = Ballot.New("it-election", state, "harper");
        return new VoteMessage(
            VoteMessage.CurrentVersion, "it-election", new byte[32], state, "harper", ballot.BallotId, BallotHash.Compute(ballot), DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
    }
}
