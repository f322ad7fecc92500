using Voting.Core.Audit;

namespace Voting.Results.Apis;

/// <summary>What became of the ballot behind a receipt.</summary>
/// <param name="Receipt">The receipt (ballot hash, hex).</param>
/// <param name="Status"><c>pending</c> (not stored yet, or an unknown receipt), <c>recorded</c> (stored, in the log; also while the checkpoint covering it is mined but not final), <c>anchored</c> (covered by an on-chain checkpoint whose block is <c>Voting:Chain:ConfirmationBlocks</c> deep).</param>
/// <param name="ElectionId">Election, once recorded.</param>
/// <param name="LeafIndex">Position in the election's Merkle log, once recorded.</param>
/// <param name="Proof">Inclusion proof against the anchored root, once anchored (from the audit service).</param>
public sealed record ReceiptStatusView(string Receipt, string Status, string? ElectionId, long? LeafIndex, InclusionProofDocument? Proof);
