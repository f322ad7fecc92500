namespace Voting.Ingest.Casting;

/// <summary>What happened to one cast attempt.</summary>
public abstract record CastOutcome
{
    private CastOutcome()
    {
    }

    /// <summary>Durable in Kafka; the voter gets the receipt.</summary>
    public sealed record Accepted(string Receipt, DateTimeOffset AcceptedAt) : CastOutcome;

    /// <summary>The voter's earlier ballot stands.</summary>
    public sealed record AlreadyVoted : CastOutcome;

    /// <summary>Another request of the same voter holds the lock.</summary>
    public sealed record InProgress : CastOutcome;

    /// <summary>The voter has used up their attempts for now; they may try again after <paramref name="RetryAfter"/>.</summary>
    public sealed record RateLimited(TimeSpan RetryAfter) : CastOutcome;

    /// <summary>
    /// The election's duplicate filter is not usable yet (first start, or lost with Redis's data);
    /// nothing was recorded. <see cref="VoteCaster"/> retries for a while before answering unavailable.
    /// </summary>
    public sealed record FilterRebuilding : CastOutcome;

    /// <summary>A dependency failed before the vote was durable; nothing was recorded.</summary>
    public sealed record Unavailable(string Reason) : CastOutcome;

    /// <summary>
    /// The vote went to Kafka and no acknowledgement came back in time: the broker may have stored
    /// it (then it counts), or not. Not accepted, and not "nothing was recorded" either.
    /// </summary>
    public sealed record Unconfirmed(string Reason) : CastOutcome;
}
