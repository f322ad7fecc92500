namespace Voting.Core.Merkle;

/// <summary>
/// The RFC 6962 root of a log read leaf by leaf, in order, in O(log n) memory: for checking the roots
/// of a log far larger than memory (an audit of every ballot) where <see cref="MerkleTree"/> would
/// keep every leaf to serve proofs.
/// </summary>
/// <remarks>
/// Keeps only the frontier: for each set bit k of <see cref="Size"/>, the hash of the last complete
/// 2^k-leaf subtree. The root of the leaves so far folds those from the smallest to the largest, as
/// <see cref="MerkleTree.RootAt"/> does. Not thread-safe.
/// </remarks>
public sealed class MerkleRootAccumulator
{
    private const int HashSize = MerkleHashing.HashSize;

    private const int MaxLevels = 64;

    private readonly byte[] frontier = new byte[MaxLevels * HashSize];

    /// <summary>Number of leaves appended so far.</summary>
    public long Size { get; private set; }

    /// <summary>Appends a leaf given its leaf hash (<see cref="MerkleHashing.LeafHash(ReadOnlySpan{byte})"/>), not its data.</summary>
    /// <exception cref="ArgumentException"><paramref name="leafHash"/> is not <see cref="MerkleHashing.HashSize"/> bytes.</exception>
    public void Append(ReadOnlySpan<byte> leafHash)
    {
        if (leafHash.Length != HashSize)
        {
            throw new ArgumentException($"A leaf hash has {HashSize} bytes; got {leafHash.Length}.", nameof(leafHash));
        }

        // Each trailing one bit of the old size is a complete subtree that the new leaf completes
        // into one twice as large, like a carry in binary addition.
        Span<byte> carry = stackalloc byte[HashSize];
        leafHash.CopyTo(carry);
        var n = (ulong)Size;
        var level = 0;
        while (((n >> level) & 1) != 0)
        {
            MerkleHashing.NodeHash(Slot(level), carry, carry);
            level++;
        }

        carry.CopyTo(Slot(level));
        Size++;
    }

    /// <summary>Hashes <paramref name="leafData"/> as a leaf and appends it.</summary>
    public void AppendLeafData(ReadOnlySpan<byte> leafData)
    {
        Span<byte> leafHash = stackalloc byte[HashSize];
        MerkleHashing.LeafHash(leafData, leafHash);
        Append(leafHash);
    }

    /// <summary>Root of the leaves appended so far (RFC 6962 MTH); <see cref="MerkleHashing.EmptyRoot"/> when none.</summary>
    /// <returns>A new 32-byte array.</returns>
    public byte[] Root()
    {
        var size = (ulong)Size;
        if (size == 0)
        {
            return MerkleHashing.EmptyRoot.ToArray();
        }

        var root = new byte[HashSize];
        var first = true;
        for (var level = 0; level < MaxLevels; level++)
        {
            if (((size >> level) & 1) == 0)
            {
                continue;
            }

            if (first)
            {
                Slot(level).CopyTo(root);
                first = false;
            }
            else
            {
                MerkleHashing.NodeHash(Slot(level), root, root);
            }
        }

        return root;
    }

    private Span<byte> Slot(int level) => frontier.AsSpan(level * HashSize, HashSize);
}
