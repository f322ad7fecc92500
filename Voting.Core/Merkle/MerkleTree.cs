using System.Diagnostics;
using System.Numerics;

namespace Voting.Core.Merkle;

/// <summary>
/// Append-only in-memory RFC 6962 Merkle tree over leaf hashes, producing roots, inclusion proofs
/// (§2.1.1 PATH) and consistency proofs (§2.1.2 PROOF) for the current size or any earlier one.
/// </summary>
/// <remarks>
/// <para>
/// Only complete subtrees are stored: level 0 holds the leaf hashes and level k the hash of each
/// complete 2^k-leaf subtree aligned on a multiple of 2^k. They never change once written, so
/// <see cref="Append"/> is amortised O(1) and any root or proof is O(log n): completed subtrees
/// plus on-the-fly folding of the partial subtrees on the right edge.
/// </para>
/// <para>
/// Hashes sit back to back in 64 KiB chunks, 32 bytes per node. Levels 1 to 3 are not stored but
/// recomputed from the leaves when needed (at most 7 hashes per node); the tree then takes about
/// 36 bytes per leaf, about 360 MB for 10 million leaves, instead of about 64 (640 MB).
/// </para>
/// <para>Not thread-safe: callers serialise <see cref="Append"/> against everything else.</para>
/// </remarks>
public sealed class MerkleTree
{
    private const int HashSize = MerkleHashing.HashSize;

    // Interior levels below this are recomputed from the leaves rather than stored.
    private const int FirstStoredInteriorLevel = 4;

    // 2048 nodes of 32 bytes: 64 KiB, below the large object heap threshold. A level's first
    // chunk starts small and doubles, so small trees and the sparse upper levels stay small.
    private const int ChunkShift = 11;
    private const int ChunkNodes = 1 << ChunkShift;
    private const int InitialChunkNodes = 8;

    private const int MaxLevels = 64;

    private readonly List<byte[]>?[] levels = new List<byte[]>?[MaxLevels];

    // For each set bit k of Size: the hash of the last complete level-k subtree, still waiting for
    // its right sibling. Appending folds these with the new leaf without reading the levels.
    private readonly byte[] frontier = new byte[MaxLevels * HashSize];

    /// <summary>Number of leaves appended so far.</summary>
    public long Size { get; private set; }

    /// <summary>Root of the tree at its current <see cref="Size"/>; <see cref="MerkleHashing.EmptyRoot"/> when empty.</summary>
    public byte[] Root => RootAt(Size);

    /// <summary>Appends a leaf given its leaf hash (<see cref="MerkleHashing.LeafHash(ReadOnlySpan{byte})"/>), not its data.</summary>
    /// <param name="leafHash">The leaf hash, <see cref="MerkleHashing.HashSize"/> bytes; it is copied.</param>
    /// <returns>The index of the new leaf (the previous <see cref="Size"/>).</returns>
    /// <exception cref="ArgumentException"><paramref name="leafHash"/> is not <see cref="MerkleHashing.HashSize"/> bytes.</exception>
    public long Append(ReadOnlySpan<byte> leafHash)
    {
        if (leafHash.Length != HashSize)
        {
            throw new ArgumentException($"A leaf hash has {HashSize} bytes; got {leafHash.Length}.", nameof(leafHash));
        }

        var index = Size;
        var n = (ulong)index;
        WriteNode(0, index, leafHash);

        // Each trailing one bit of the old size is a complete subtree that the new leaf completes
        // into one twice as large, like a carry in binary addition.
        Span<byte> carry = stackalloc byte[HashSize];
        leafHash.CopyTo(carry);
        var level = 0;
        while (((n >> level) & 1) != 0)
        {
            MerkleHashing.NodeHash(FrontierSlot(level), carry, carry);
            level++;
            if (IsStored(level))
            {
                WriteNode(level, (long)((n + 1) >> level) - 1, carry);
            }
        }

        carry.CopyTo(FrontierSlot(level));
        Size = index + 1;
        return index;
    }

    /// <summary>Hashes <paramref name="leafData"/> as a leaf (<see cref="MerkleHashing.LeafHash(ReadOnlySpan{byte})"/>) and appends it.</summary>
    /// <param name="leafData">The leaf's data.</param>
    /// <returns>The index of the new leaf.</returns>
    public long AppendLeafData(ReadOnlySpan<byte> leafData)
    {
        Span<byte> leafHash = stackalloc byte[HashSize];
        MerkleHashing.LeafHash(leafData, leafHash);
        return Append(leafHash);
    }

    /// <summary>The leaf hash at <paramref name="index"/>.</summary>
    /// <param name="index">Zero-based leaf index, below <see cref="Size"/>.</param>
    /// <returns>A copy of the 32-byte leaf hash.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is negative or not below <see cref="Size"/>.</exception>
    public byte[] LeafHashAt(long index)
    {
        if (index < 0 || index >= Size)
        {
            throw new ArgumentOutOfRangeException(nameof(index), index, $"The leaf index must be in [0, {Size}) for a tree of {Size} leaves.");
        }

        return ReadNode(0, index).ToArray();
    }

    /// <summary>Root of the tree made of the first <paramref name="size"/> leaves (RFC 6962 MTH).</summary>
    /// <param name="size">Any size from 0 to <see cref="Size"/>; 0 gives <see cref="MerkleHashing.EmptyRoot"/>.</param>
    /// <returns>A new 32-byte array.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="size"/> is negative or greater than <see cref="Size"/>.</exception>
    public byte[] RootAt(long size)
    {
        if (size < 0 || size > Size)
        {
            throw new ArgumentOutOfRangeException(nameof(size), size, $"The tree size must be in [0, {Size}]; the tree has {Size} leaves.");
        }

        if (size == 0)
        {
            return MerkleHashing.EmptyRoot.ToArray();
        }

        var root = new byte[HashSize];
        SubtreeHash(0, (ulong)size, root);
        return root;
    }

    /// <summary>
    /// Inclusion proof (RFC 6962 §2.1.1 audit path) of leaf <paramref name="leafIndex"/> in the tree
    /// of the first <paramref name="treeSize"/> leaves, lowest level first; checked by
    /// <see cref="MerkleProofVerifier.VerifyInclusion"/>.
    /// </summary>
    /// <param name="leafIndex">Zero-based leaf index, below <paramref name="treeSize"/>.</param>
    /// <param name="treeSize">Size of the tree the proof is for, from 1 to <see cref="Size"/>.</param>
    /// <returns>The proof nodes, 32 bytes each; empty for a one-leaf tree.</returns>
    /// <exception cref="ArgumentOutOfRangeException">
    /// <paramref name="treeSize"/> is not in [1, <see cref="Size"/>] or <paramref name="leafIndex"/> is not in [0, treeSize).
    /// </exception>
    public IReadOnlyList<byte[]> InclusionProof(long leafIndex, long treeSize)
    {
        if (treeSize < 1 || treeSize > Size)
        {
            throw new ArgumentOutOfRangeException(nameof(treeSize), treeSize, $"The tree size must be in [1, {Size}]; the tree has {Size} leaves.");
        }

        if (leafIndex < 0 || leafIndex >= treeSize)
        {
            throw new ArgumentOutOfRangeException(nameof(leafIndex), leafIndex, $"The leaf index must be in [0, {treeSize}) for a tree of {treeSize} leaves.");
        }

        var m = (ulong)leafIndex;
        var (inner, border) = MerkleTreeMath.DecomposeInclusionProof(m, (ulong)treeSize);
        var proof = new byte[inner + border][];

        // PATH(m, D[lo:hi]) descends towards the leaf, so the siblings come out top-down; the
        // proof lists them bottom-up, hence filling from the end.
        var next = proof.Length;
        ulong lo = 0;
        var hi = (ulong)treeSize;
        while (hi - lo > 1)
        {
            var k = MerkleTreeMath.LargestPowerOfTwoLessThan(hi - lo);
            var sibling = new byte[HashSize];
            if (m < lo + k)
            {
                SubtreeHash(lo + k, hi, sibling);
                hi = lo + k;
            }
            else
            {
                SubtreeHash(lo, lo + k, sibling);
                lo += k;
            }

            proof[--next] = sibling;
        }

        Debug.Assert(next == 0, "The audit path has the length RFC 6962 predicts.");
        return proof;
    }

    /// <summary>
    /// Consistency proof (RFC 6962 §2.1.2 PROOF) that the tree of the first <paramref name="size2"/>
    /// leaves extends the tree of the first <paramref name="size1"/>; checked by
    /// <see cref="MerkleProofVerifier.VerifyConsistency"/>.
    /// </summary>
    /// <param name="size1">The older size, from 0 to <paramref name="size2"/>.</param>
    /// <param name="size2">The newer size, at most <see cref="Size"/>.</param>
    /// <returns>
    /// The proof nodes, 32 bytes each. Empty when <paramref name="size1"/> equals
    /// <paramref name="size2"/>, and when <paramref name="size1"/> is 0, as in transparency-dev:
    /// nothing can be proved about the empty tree (the verifier rejects size1 = 0).
    /// </returns>
    /// <exception cref="ArgumentOutOfRangeException">
    /// <paramref name="size2"/> is not in [0, <see cref="Size"/>] or <paramref name="size1"/> is not in [0, size2].
    /// </exception>
    public IReadOnlyList<byte[]> ConsistencyProof(long size1, long size2)
    {
        if (size2 < 0 || size2 > Size)
        {
            throw new ArgumentOutOfRangeException(nameof(size2), size2, $"size2 must be in [0, {Size}]; the tree has {Size} leaves.");
        }

        if (size1 < 0 || size1 > size2)
        {
            throw new ArgumentOutOfRangeException(nameof(size1), size1, $"size1 must be in [0, {size2}] (size2 = {size2}).");
        }

        if (size1 == 0 || size1 == size2)
        {
            return [];
        }

        var m = (ulong)size1;
        var (inner, border) = MerkleTreeMath.DecomposeInclusionProof(m - 1, (ulong)size2);
        var shift = BitOperations.TrailingZeroCount(m);
        var seedIsRoot1 = m == 1UL << shift;
        var proof = new byte[(seedIsRoot1 ? 0 : 1) + inner - shift + border][];

        // SUBPROOF(m, D[lo:hi], wholeFirstTree), unrolled; as for PATH, nodes come out top-down.
        var next = proof.Length;
        ulong lo = 0;
        var hi = (ulong)size2;
        var wholeFirstTree = true;
        while (m - lo != hi - lo)
        {
            var k = MerkleTreeMath.LargestPowerOfTwoLessThan(hi - lo);
            var node = new byte[HashSize];
            if (m - lo <= k)
            {
                SubtreeHash(lo + k, hi, node);
                hi = lo + k;
            }
            else
            {
                SubtreeHash(lo, lo + k, node);
                lo += k;
                wholeFirstTree = false;
            }

            proof[--next] = node;
        }

        // Reached the subtree D[lo:m]: the verifier knows its hash only if it is the whole first tree.
        if (!wholeFirstTree)
        {
            var node = new byte[HashSize];
            SubtreeHash(lo, hi, node);
            proof[--next] = node;
        }

        Debug.Assert(next == 0, "The consistency proof has the length RFC 6962 predicts.");
        return proof;
    }

    private static bool IsStored(int level) => level == 0 || level >= FirstStoredInteriorLevel;

    private Span<byte> FrontierSlot(int level) => frontier.AsSpan(level * HashSize, HashSize);

    /// <summary>
    /// MTH(D[start:end]) into <paramref name="destination"/>, for the ranges RFC 6962 recursion
    /// produces: <paramref name="start"/> is a multiple of a power of two at least end - start, so
    /// the range splits into complete aligned subtrees, one per set bit of its length.
    /// </summary>
    private void SubtreeHash(ulong start, ulong end, Span<byte> destination)
    {
        Debug.Assert(end > start && end <= (ulong)Size, "The range is non-empty and within the tree.");
        var length = end - start;
        Debug.Assert((start & (BitOperations.RoundUpToPowerOf2(length) - 1)) == 0, "The range is aligned.");

        // Fold the complete subtrees from the right (smallest) to the left (largest).
        Span<byte> left = stackalloc byte[HashSize];
        var pieceEnd = end;
        var first = true;
        for (var level = 0; level < MaxLevels; level++)
        {
            if (((length >> level) & 1) == 0)
            {
                continue;
            }

            pieceEnd -= 1UL << level;
            var index = (long)(pieceEnd >> level);
            if (first)
            {
                NodeHash(level, index, destination);
                first = false;
            }
            else
            {
                NodeHash(level, index, left);
                MerkleHashing.NodeHash(left, destination, destination);
            }
        }
    }

    /// <summary>Hash of the complete subtree at <paramref name="level"/>, <paramref name="index"/>: stored, or rebuilt from the level below.</summary>
    private void NodeHash(int level, long index, Span<byte> destination)
    {
        if (IsStored(level))
        {
            ReadNode(level, index).CopyTo(destination);
            return;
        }

        Span<byte> right = stackalloc byte[HashSize];
        NodeHash(level - 1, 2 * index, destination);
        NodeHash(level - 1, (2 * index) + 1, right);
        MerkleHashing.NodeHash(destination, right, destination);
    }

    private ReadOnlySpan<byte> ReadNode(int level, long index)
    {
        var chunks = levels[level]!;
        return chunks[(int)(index >> ChunkShift)].AsSpan((int)(index & (ChunkNodes - 1)) * HashSize, HashSize);
    }

    /// <summary>Writes the next node of a level; nodes are only ever written in index order.</summary>
    private void WriteNode(int level, long index, ReadOnlySpan<byte> hash)
    {
        var chunks = levels[level] ??= [];
        var chunk = (int)(index >> ChunkShift);
        var offset = (int)(index & (ChunkNodes - 1)) * HashSize;
        if (chunk == chunks.Count)
        {
            chunks.Add(new byte[(chunk == 0 ? InitialChunkNodes : ChunkNodes) * HashSize]);
        }
        else if (offset == chunks[chunk].Length)
        {
            // Only a level's first chunk is ever short: double it, up to a full chunk.
            var grown = new byte[chunks[chunk].Length * 2];
            chunks[chunk].CopyTo(grown, 0);
            chunks[chunk] = grown;
        }

        hash.CopyTo(chunks[chunk].AsSpan(offset, HashSize));
    }
}
