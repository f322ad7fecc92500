namespace Voting.Core.Audit;

/// <summary>
/// What a receipt holder needs to check their ballot is in the election's log: the leaf's place,
/// the RFC 6962 audit path, the root it leads to, and where that root is anchored. Hashes are
/// lower-case hex. A verifier recomputes the root from <see cref="Receipt"/> and <see cref="Path"/>
/// and compares it with the root read from the chain, never trusting <see cref="Root"/> alone.
/// </summary>
/// <param name="ElectionId">Election.</param>
/// <param name="Receipt">The ballot hash (leaf data).</param>
/// <param name="LeafIndex">Position of the ballot in the log.</param>
/// <param name="TreeSize">Size of the anchored tree the proof is for.</param>
/// <param name="Path">Audit path, leaf level first.</param>
/// <param name="Root">The root the path leads to (what the chain should hold for <see cref="TreeSize"/>).</param>
/// <param name="Anchor">Where the checkpoint of <see cref="TreeSize"/> is anchored.</param>
public sealed record InclusionProofDocument(
    string ElectionId, string Receipt, long LeafIndex, long TreeSize, IReadOnlyList<string> Path, string Root, AnchorReference Anchor);
