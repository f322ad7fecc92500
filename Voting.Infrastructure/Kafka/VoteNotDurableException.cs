namespace Voting.Infrastructure.Kafka;

/// <summary>The broker did not acknowledge a vote: it must not be reported as accepted.</summary>
public sealed class VoteNotDurableException : Exception
{
    public VoteNotDurableException(string message)
        : base(message)
    {
    }

    public VoteNotDurableException(string message, Exception inner)
        : base(message, inner)
    {
    }

    public VoteNotDurableException()
    {
    }
}
