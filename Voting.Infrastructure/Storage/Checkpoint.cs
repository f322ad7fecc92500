namespace Voting.Infrastructure.Storage;

/// <summary>A signed-off tree head of an election's log, and where it is anchored once it is.</summary>
/// <param name="ElectionId">Election.</param>
/// <param name="TreeSize">Leaves covered.</param>
/// <param name="Root">RFC 6962 root at <paramref name="TreeSize"/>.</param>
/// <param name="CreatedAt">When the checkpoint was taken.</param>
/// <param name="TransactionHash">Anchoring transaction, null while queued.</param>
/// <param name="BlockNumber">Its block, null while queued.</param>
/// <param name="AnchoredAt">When it was anchored, null while queued.</param>
/// <param name="LastError">Why the last anchoring attempt failed, if it did.</param>
public sealed record Checkpoint(
    string ElectionId, long TreeSize, byte[] Root, DateTime CreatedAt, string? TransactionHash, long? BlockNumber, DateTime? AnchoredAt, string? LastError)
{
    public bool IsAnchored => TransactionHash is not null;
}
