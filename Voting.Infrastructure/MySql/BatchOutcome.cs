using Voting.Core.Ballots;

namespace Voting.Infrastructure.MySql;

/// <summary>What one batch changed in the ballot store.</summary>
/// <param name="Stored">Ballots newly stored (each voter's first).</param>
/// <param name="Replayed">Messages already stored earlier (redelivery after a crash or rebalance): no change to the shards.</param>
/// <param name="DuplicateAttempts">Different ballots from voters who had already voted: not stored.</param>
/// <param name="Shards">Shard databases written to (whose tally outbox has new rows).</param>
public sealed record BatchOutcome(IReadOnlyList<VoteMessage> Stored, IReadOnlyList<VoteMessage> Replayed, int DuplicateAttempts, IReadOnlyList<int> Shards)
{
    /// <summary>Ballot hashes this batch appended to the Merkle log.</summary>
    public int LeavesAppended { get; init; }

    /// <summary>
    /// Leaves given to ballots that were then not stored, because another writer stored their voter's
    /// other ballot between the check and the write. The log is append-only, so these stay without a
    /// row, and the audit reports each as a missing ballot. One processor never makes them (batches in
    /// flight share their voters); processors sharing a partition during a rebalance read its ballots
    /// in the same order, so they agree on each voter's first one. A ballot whose id another stored
    /// ballot already holds (which no ingest sends) ends here too, rather than failing every retry.
    /// </summary>
    public IReadOnlyList<VoteMessage> LeavesWithoutRow { get; init; } = [];
}
