using System.Numerics;
using System.Security.Cryptography;

namespace Voting.Core.Merkle;

/// <summary>
/// Verification of RFC 6962 inclusion and consistency proofs, following transparency-dev/merkle
/// <c>proof/verify.go</c>: the proof length is derived from the index and sizes and must match
/// exactly, and the root is recomputed by chaining the proof hashes. The <c>Verify*</c> methods
/// never throw; any wrong, malformed or inconsistent input makes them return false.
/// </summary>
/// <remarks>
/// Stricter than verify.go in one way: every proof node and the leaf hash must be exactly
/// <see cref="MerkleHashing.HashSize"/> bytes (verify.go checks only the leaf hash). A valid proof
/// never contains anything else, so this rejects no genuine proof.
/// </remarks>
public static class MerkleProofVerifier
{
    private const int HashSize = MerkleHashing.HashSize;

    /// <summary>
    /// Whether <paramref name="proof"/> proves that the leaf with hash <paramref name="leafHash"/>
    /// is at <paramref name="leafIndex"/> in the tree of <paramref name="treeSize"/> leaves whose
    /// root is <paramref name="root"/>. Requires <c>0 &lt;= leafIndex &lt; treeSize</c>.
    /// </summary>
    /// <param name="leafIndex">Zero-based position of the leaf.</param>
    /// <param name="treeSize">Number of leaves in the tree the proof is for.</param>
    /// <param name="leafHash">The leaf hash (<see cref="MerkleHashing.LeafHash(ReadOnlySpan{byte})"/>), not the leaf data.</param>
    /// <param name="proof">The audit path, lowest level first (RFC 6962 §2.1.1).</param>
    /// <param name="root">The expected root of the tree of <paramref name="treeSize"/> leaves.</param>
    /// <returns>True only if the proof is well formed and leads to <paramref name="root"/>.</returns>
    public static bool VerifyInclusion(long leafIndex, long treeSize, ReadOnlySpan<byte> leafHash, IReadOnlyList<byte[]> proof, ReadOnlySpan<byte> root)
    {
        Span<byte> calculated = stackalloc byte[HashSize];
        return TryRootFromInclusionProof(leafIndex, treeSize, leafHash, proof, calculated) is null
            && CryptographicOperations.FixedTimeEquals(calculated, root);
    }

    /// <summary>
    /// The root that <paramref name="proof"/> implies for the tree of <paramref name="treeSize"/>
    /// leaves if the leaf at <paramref name="leafIndex"/> has hash <paramref name="leafHash"/>.
    /// Compare it with a trusted root to verify inclusion.
    /// </summary>
    /// <param name="leafIndex">Zero-based position of the leaf; must be less than <paramref name="treeSize"/>.</param>
    /// <param name="treeSize">Number of leaves in the tree the proof is for.</param>
    /// <param name="leafHash">The leaf hash, <see cref="MerkleHashing.HashSize"/> bytes.</param>
    /// <param name="proof">The audit path, lowest level first.</param>
    /// <returns>The calculated root, a new 32-byte array.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="proof"/> is null.</exception>
    /// <exception cref="MerkleProofException">
    /// The index is negative or not below the size, the leaf hash or a proof node is not
    /// <see cref="MerkleHashing.HashSize"/> bytes, or the proof has the wrong number of nodes.
    /// </exception>
    public static byte[] RootFromInclusionProof(long leafIndex, long treeSize, ReadOnlySpan<byte> leafHash, IReadOnlyList<byte[]> proof)
    {
        ArgumentNullException.ThrowIfNull(proof);
        var root = new byte[HashSize];
        var error = TryRootFromInclusionProof(leafIndex, treeSize, leafHash, proof, root);
        return error is null ? root : throw new MerkleProofException(error);
    }

    /// <summary>
    /// Whether <paramref name="proof"/> proves that the tree of <paramref name="size2"/> leaves with
    /// root <paramref name="root2"/> extends (is append-only from) the tree of
    /// <paramref name="size1"/> leaves with root <paramref name="root1"/>.
    /// </summary>
    /// <remarks>
    /// Rules, as in transparency-dev/merkle and its test vectors: <c>size1 &gt; size2</c> is rejected;
    /// <c>size1 == 0</c> is rejected (a proof from the empty tree proves nothing, even to size 0);
    /// <c>size1 == size2</c> needs an empty proof and <c>root1 == root2</c> byte for byte (the roots
    /// are compared, not hashed, so their length is not checked in this case); otherwise the proof
    /// must be non-empty, have exactly the expected length and reproduce both roots.
    /// </remarks>
    /// <param name="size1">Leaves in the older tree.</param>
    /// <param name="size2">Leaves in the newer tree.</param>
    /// <param name="proof">The consistency proof (RFC 6962 §2.1.2).</param>
    /// <param name="root1">Root of the older tree.</param>
    /// <param name="root2">Root of the newer tree.</param>
    /// <returns>True only if the proof is well formed and leads to both roots.</returns>
    public static bool VerifyConsistency(long size1, long size2, IReadOnlyList<byte[]> proof, ReadOnlySpan<byte> root1, ReadOnlySpan<byte> root2)
    {
        if (CheckConsistencyShape(size1, size2, proof) is not null)
        {
            return false;
        }

        if (size1 == size2)
        {
            return CryptographicOperations.FixedTimeEquals(root1, root2);
        }

        Span<byte> calculated = stackalloc byte[HashSize];
        return TryRootFromConsistencyProof((ulong)size1, (ulong)size2, proof, root1, calculated) is null
            && CryptographicOperations.FixedTimeEquals(calculated, root2);
    }

    /// <summary>Computes the inclusion root into <paramref name="destination"/>; returns why it cannot, or null.</summary>
    private static string? TryRootFromInclusionProof(long leafIndex, long treeSize, ReadOnlySpan<byte> leafHash, IReadOnlyList<byte[]>? proof, Span<byte> destination)
    {
        if (proof is null)
        {
            return "The proof is null.";
        }

        if (leafIndex < 0)
        {
            return $"The leaf index {leafIndex} is negative.";
        }

        if (leafIndex >= treeSize)
        {
            return $"The leaf index is beyond the tree size: {leafIndex} >= {treeSize}.";
        }

        if (leafHash.Length != HashSize)
        {
            return $"The leaf hash has {leafHash.Length} bytes; expected {HashSize}.";
        }

        var index = (ulong)leafIndex;
        var (inner, border) = MerkleTreeMath.DecomposeInclusionProof(index, (ulong)treeSize);
        if (proof.Count != inner + border)
        {
            return $"The proof has {proof.Count} nodes; leaf {leafIndex} in a tree of {treeSize} needs {inner + border}.";
        }

        if (CheckNodes(proof) is { } badNode)
        {
            return badNode;
        }

        leafHash.CopyTo(destination);
        ChainInner(destination, proof, 0, inner, index);
        ChainBorderRight(destination, proof, inner, proof.Count);
        return null;
    }

    /// <summary>The checks that need no hashing; returns why the input is rejected, or null.</summary>
    private static string? CheckConsistencyShape(long size1, long size2, IReadOnlyList<byte[]>? proof)
    {
        if (proof is null)
        {
            return "The proof is null.";
        }

        if (size1 < 0 || size2 < 0)
        {
            return $"Tree sizes cannot be negative ({size1}, {size2}).";
        }

        if (size2 < size1)
        {
            return $"size2 ({size2}) < size1 ({size1}).";
        }

        if (size1 == 0)
        {
            return "A consistency proof from the empty tree is meaningless.";
        }

        if (size1 == size2)
        {
            return proof.Count == 0 ? null : "size1 == size2, but the proof is not empty.";
        }

        return proof.Count == 0 ? "The proof is empty." : null;
    }

    /// <summary>
    /// For 0 &lt; size1 &lt; size2 and a non-empty proof: checks the proof against
    /// <paramref name="root1"/> and writes the size2 root it implies to <paramref name="root2"/>.
    /// Returns why it cannot, or null.
    /// </summary>
    private static string? TryRootFromConsistencyProof(ulong size1, ulong size2, IReadOnlyList<byte[]> proof, ReadOnlySpan<byte> root1, Span<byte> root2)
    {
        if (root1.Length != HashSize)
        {
            return $"root1 has {root1.Length} bytes; expected {HashSize}.";
        }

        // The proof is a suffix of the inclusion proof of leaf size1 - 1 in the size2 tree, starting
        // at level `shift`: the lowest level of the largest complete subtree ending at size1.
        var (inner, border) = MerkleTreeMath.DecomposeInclusionProof(size1 - 1, size2);
        var shift = BitOperations.TrailingZeroCount(size1);
        inner -= shift; // shift < inner because size1 < size2.

        // That subtree's hash is the first proof node, unless size1 is itself 2^shift and the
        // subtree is the whole first tree, whose root we already have.
        var seedIsRoot1 = size1 == 1UL << shift;
        var start = seedIsRoot1 ? 0 : 1;
        if (proof.Count != start + inner + border)
        {
            return $"The proof has {proof.Count} nodes; sizes {size1} -> {size2} need {start + inner + border}.";
        }

        if (CheckNodes(proof) is { } badNode)
        {
            return badNode;
        }

        var seed = seedIsRoot1 ? root1 : proof[0];
        var mask = (size1 - 1) >> shift;

        Span<byte> hash1 = stackalloc byte[HashSize];
        seed.CopyTo(hash1);
        ChainInnerRight(hash1, proof, start, start + inner, mask);
        ChainBorderRight(hash1, proof, start + inner, proof.Count);
        if (!CryptographicOperations.FixedTimeEquals(hash1, root1))
        {
            return "The proof does not lead to root1.";
        }

        seed.CopyTo(root2);
        ChainInner(root2, proof, start, start + inner, mask);
        ChainBorderRight(root2, proof, start + inner, proof.Count);
        return null;
    }

    private static string? CheckNodes(IReadOnlyList<byte[]> proof)
    {
        for (var i = 0; i < proof.Count; i++)
        {
            var length = proof[i]?.Length ?? -1;
            if (length != HashSize)
            {
                return length < 0
                    ? $"Proof node {i} is null."
                    : $"Proof node {i} has {length} bytes; expected {HashSize}.";
            }
        }

        return null;
    }

    /// <summary>
    /// Folds proof[from..to) into <paramref name="seed"/>, a node on or below the right border at
    /// position <paramref name="index"/> on its level; bit i of the index says on which side
    /// proof node i sits.
    /// </summary>
    private static void ChainInner(Span<byte> seed, IReadOnlyList<byte[]> proof, int from, int to, ulong index)
    {
        for (var i = from; i < to; i++)
        {
            if (((index >> (i - from)) & 1) == 0)
            {
                MerkleHashing.NodeHash(seed, proof[i], seed);
            }
            else
            {
                MerkleHashing.NodeHash(proof[i], seed, seed);
            }
        }
    }

    /// <summary>
    /// Like <see cref="ChainInner"/> but folds in only the nodes to the left of the path, which
    /// yields the hash of the same subtree as it was before the nodes to its right were added.
    /// </summary>
    private static void ChainInnerRight(Span<byte> seed, IReadOnlyList<byte[]> proof, int from, int to, ulong index)
    {
        for (var i = from; i < to; i++)
        {
            if (((index >> (i - from)) & 1) == 1)
            {
                MerkleHashing.NodeHash(proof[i], seed, seed);
            }
        }
    }

    /// <summary>Folds proof[from..to) into <paramref name="seed"/> along the right border, where every proof node is a left sibling.</summary>
    private static void ChainBorderRight(Span<byte> seed, IReadOnlyList<byte[]> proof, int from, int to)
    {
        for (var i = from; i < to; i++)
        {
            MerkleHashing.NodeHash(proof[i], seed, seed);
        }
    }
}
