namespace Voting.Core.Merkle;

/// <summary>
/// An inclusion proof walked level by level, for people to follow (the console's proof viewer):
/// the same folding as <see cref="MerkleProofVerifier"/>, with every intermediate hash kept.
/// </summary>
public static class MerkleInclusionPath
{
    /// <summary>
    /// The steps from the leaf hash to the root the proof implies. The last step's
    /// <see cref="InclusionStep.Parent"/> is that root (for a one-leaf tree there are no steps and
    /// the root is the leaf hash). Compare it with a trusted root before believing it.
    /// </summary>
    /// <exception cref="MerkleProofException">The proof is malformed for this index and size, as <see cref="MerkleProofVerifier.RootFromInclusionProof"/> defines.</exception>
    public static IReadOnlyList<InclusionStep> Walk(long leafIndex, long treeSize, ReadOnlySpan<byte> leafHash, IReadOnlyList<byte[]> proof)
    {
        // Validates index, size, lengths and node count with the verifier's own rules and messages.
        var root = MerkleProofVerifier.RootFromInclusionProof(leafIndex, treeSize, leafHash, proof);
        var (inner, _) = MerkleTreeMath.DecomposeInclusionProof((ulong)leafIndex, (ulong)treeSize);
        var steps = new List<InclusionStep>(proof.Count);
        var running = leafHash.ToArray();
        for (var level = 0; level < proof.Count; level++)
        {
            // Inner levels follow the index bits; above them the path runs along the right border,
            // where every sibling is on the left.
            var siblingOnLeft = level >= inner || ((leafIndex >> level) & 1) == 1;
            var parent = siblingOnLeft ? MerkleHashing.NodeHash(proof[level], running) : MerkleHashing.NodeHash(running, proof[level]);
            steps.Add(new InclusionStep(level, running, proof[level], siblingOnLeft, parent));
            running = parent;
        }

        return running.AsSpan().SequenceEqual(root)
            ? steps
            : throw new InvalidOperationException("walked root differs from the verifier's; the two foldings disagree");
    }
}
