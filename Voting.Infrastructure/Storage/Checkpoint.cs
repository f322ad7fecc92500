namespace Voting.Infrastructure.Storage;

/// <summary>A signed-off tree head of an election's log, and where it is anchored once it is.</summary>
/// <param name="ElectionId">Election.</param>
/// <param name="TreeSize">Leaves covered.</param>
/// <param name="Root">RFC 6962 root at <paramref name="TreeSize"/>.</param>
/// <param name="CreatedAt">When the checkpoint was taken.</param>
/// <param name="TransactionHash">Anchoring transaction, null while queued.</param>
/// <param name="BlockNumber">Its block, null while queued.</param>
/// <param name="AnchoredAt">When its anchor was seen mined (it counts from <paramref name="FinalAt"/>); null while queued.</param>
/// <param name="LastError">Why the last anchoring attempt failed, if it did.</param>
/// <param name="FinalAt">
/// When its block was found <see cref="Chain.ChainOptions.ConfirmationBlocks"/> deep; null while queued
/// or while the anchor is mined but may still be undone by a reorganisation of the chain.
/// </param>
/// <param name="PendingTransaction">The anchor transaction last sent for it and not seen mined yet, while queued.</param>
/// <param name="PendingRaw">
/// <paramref name="PendingTransaction"/> signed (hex with 0x), recorded before it was sent; null for one
/// recorded before the log database's migration 7, or undone by a reorganisation.
/// </param>
public sealed record Checkpoint(
    string ElectionId, long TreeSize, byte[] Root, DateTime CreatedAt, string? TransactionHash, long? BlockNumber, DateTime? AnchoredAt, string? LastError,
    DateTime? FinalAt = null, string? PendingTransaction = null, string? PendingRaw = null)
{
    /// <summary>Mined on chain and deep enough to count: proofs, receipts and audits rely on it.</summary>
    public bool IsAnchored => TransactionHash is not null && FinalAt is not null;

    /// <summary>Mined, waiting for its block to be deep enough (or to be found undone and queued again).</summary>
    public bool IsConfirming => TransactionHash is not null && FinalAt is null;

    /// <summary>Not on chain yet (or no longer: its anchor was undone by a reorganisation).</summary>
    public bool IsQueued => TransactionHash is null;
}
