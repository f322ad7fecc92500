using Voting.Core.Ballots;

namespace Voting.Infrastructure.MySql;

/// <summary>What one batch changed in the ballot store.</summary>
/// <param name="Stored">Ballots newly stored (each voter's first).</param>
/// <param name="Replays">Messages already stored earlier (redelivery after a crash or rebalance): no change.</param>
/// <param name="DuplicateAttempts">Different ballots from voters who had already voted: not stored.</param>
/// <param name="Shards">Shard databases written to (whose tally outbox has new rows).</param>
public sealed record BatchOutcome(IReadOnlyList<VoteMessage> Stored, int Replays, int DuplicateAttempts, IReadOnlyList<int> Shards);
