using Voting.Core.Audit;
using Voting.Core.Merkle;

namespace Voting.Console.Blazor.Proofs;

/// <summary>A receipt checked against the chain, with everything the proof viewer draws.</summary>
/// <param name="Verdict">The conclusion.</param>
/// <param name="Reason">One line saying why.</param>
/// <param name="Proof">The inclusion proof the audit service gave, when it gave one.</param>
/// <param name="LeafHash">RFC 6962 leaf hash of the receipt.</param>
/// <param name="Steps">The path from the leaf up, level by level.</param>
/// <param name="OnChainRoot">The root the chain holds for the proof's tree size, when found (hex).</param>
public sealed record ReceiptCheck(
    ProofVerdict Verdict, string Reason, InclusionProofDocument? Proof, byte[]? LeafHash, IReadOnlyList<InclusionStep> Steps, string? OnChainRoot)
{
    public static ReceiptCheck CannotCheck(string reason, InclusionProofDocument? proof = null) => new(ProofVerdict.CannotCheck, reason, proof, null, [], null);

    /// <summary>The root the path leads to (hex), when it could be walked.</summary>
    public string? ComputedRoot => Steps.Count > 0 ? Convert.ToHexStringLower(Steps[^1].Parent) : LeafHash is null ? null : Convert.ToHexStringLower(LeafHash);
}
