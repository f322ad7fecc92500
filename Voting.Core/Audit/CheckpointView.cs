namespace Voting.Core.Audit;

/// <summary>A checkpoint as the API shows it. Hashes in lower-case hex.</summary>
/// <param name="TreeSize">Leaves covered.</param>
/// <param name="Root">RFC 6962 root.</param>
/// <param name="CreatedAt">When it was taken (UTC).</param>
/// <param name="Status">
/// <c>queued</c> (not on chain), <c>confirming</c> (mined, its block not deep enough yet to count) or
/// <c>anchored</c> (final: receipts, proofs and audits rely on it).
/// </param>
/// <param name="TransactionHash">Anchoring transaction once mined.</param>
/// <param name="BlockNumber">Its block.</param>
/// <param name="AnchoredAt">When (UTC).</param>
/// <param name="LastError">
/// Why the last anchoring attempt failed, while queued; network addresses are left out
/// (<see cref="PublicErrorText"/>), the service's log has them.
/// </param>
public sealed record CheckpointView(
    long TreeSize, string Root, DateTime CreatedAt, string Status, string? TransactionHash, long? BlockNumber, DateTime? AnchoredAt, string? LastError);
