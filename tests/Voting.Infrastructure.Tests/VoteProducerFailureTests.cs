using Confluent.Kafka;
using Voting.Infrastructure.Kafka;

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
}
