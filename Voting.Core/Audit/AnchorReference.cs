namespace Voting.Core.Audit;

/// <summary>Where a checkpoint is anchored on an Ethereum-compatible chain.</summary>
/// <param name="ChainId">EIP-155 chain id.</param>
/// <param name="Contract">Anchor contract address.</param>
/// <param name="TransactionHash">The anchoring transaction.</param>
/// <param name="BlockNumber">Its block.</param>
public sealed record AnchorReference(long ChainId, string Contract, string TransactionHash, long BlockNumber);
