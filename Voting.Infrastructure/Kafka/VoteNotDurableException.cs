namespace Voting.Infrastructure.Kafka;

/// <summary>The broker did not acknowledge a vote: it must not be reported as accepted.</summary>
public sealed class VoteNotDurableException : Exception
{
    public VoteNotDurableException(string message)
        : base(message)
    {
    }

    public VoteNotDurableException(string message, bool mayHaveReachedKafka)
        : base(message)
    {
        MayHaveReachedKafka = mayHaveReachedKafka;
    }

    public VoteNotDurableException(string message, Exception inner)
        : base(message, inner)
    {
    }

    public VoteNotDurableException()
    {
    }

    /// <summary>
    /// The message left for the broker and no answer came back in time (librdkafka's "possibly
    /// persisted"): the broker may have stored it, and the processor will then count it.
    /// </summary>
    public bool MayHaveReachedKafka { get; }
}
