namespace Voting.Infrastructure.Chain;

/// <summary>Where a checkpoint was anchored: the transaction, its block, and its index in the election's on-chain log.</summary>
public sealed record AnchorTransaction(string TransactionHash, long BlockNumber, long CheckpointIndex);
