namespace Voting.Infrastructure.Chain;

/// <summary>
/// An anchoring transaction was mined without anchoring in the contract: the contract reverted it (the
/// election's on-chain log already holds this tree size or a larger one, the consistency proof sent with
/// it does not show the previous checkpoint's tree is the start of this one, or the sender isn't the
/// contract's owner), or it went to another contract (<paramref name="detail"/> says so).
/// </summary>
public sealed class AnchorRefusedException(string electionId, long treeSize, string transactionHash, string? detail = null)
    : InvalidOperationException(detail ?? $"The anchor contract refused tree size {treeSize} of {electionId} (transaction {transactionHash} reverted).")
{
    public string ElectionId { get; } = electionId;

    public long TreeSize { get; } = treeSize;

    public string TransactionHash { get; } = transactionHash;
}
