using Voting.Core.Ballots;

namespace Voting.Infrastructure.MySql;

/// <summary>What one batch changed in the ballot store.</summary>
/// <param name="Stored">Ballots newly stored (each voter's first).</param>
/// <param name="Replayed">Messages already stored earlier (redelivery after a crash or rebalance): no change to the shards.</param>
/// <param name="DuplicateAttempts">Different ballots from voters who had already voted: not stored.</param>
/// <param name="Shards">Shard databases written to (whose tally outbox has new rows).</param>
public sealed record BatchOutcome(IReadOnlyList<VoteMessage> Stored, IReadOnlyList<VoteMessage> Replayed, int DuplicateAttempts, IReadOnlyList<int> Shards)
{
    /// <summary>
    /// The ballots that must be in the Merkle log once this batch is done: the new ones, and the
    /// replayed ones, whose append a crash may have cut short.
    /// </summary>
    public IReadOnlyList<VoteMessage> ForLog => Replayed.Count == 0 ? Stored : [.. Stored, .. Replayed];
}
