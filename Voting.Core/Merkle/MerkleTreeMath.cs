using System.Numerics;

namespace Voting.Core.Merkle;

/// <summary>
/// Bit arithmetic shared by the tree and the verifier. Sizes and indices are unsigned here, as in
/// transparency-dev/merkle; the public API validates that its signed arguments are non-negative.
/// </summary>
internal static class MerkleTreeMath
{
    /// <summary>The largest power of two strictly less than <paramref name="n"/> (the RFC 6962 split point k); requires n &gt;= 2.</summary>
    public static ulong LargestPowerOfTwoLessThan(ulong n)
    {
        return 1UL << (63 - BitOperations.LeadingZeroCount(n - 1));
    }

    /// <summary>Number of significant bits of <paramref name="x"/> (Go's <c>bits.Len64</c>).</summary>
    public static int BitLength(ulong x) => 64 - BitOperations.LeadingZeroCount(x);

    /// <summary>
    /// Splits the inclusion proof of leaf <paramref name="index"/> in a tree of <paramref name="size"/>
    /// leaves into its two parts: <c>inner</c>, the nodes below the point where the paths to
    /// <paramref name="index"/> and <c>size - 1</c> diverge, and <c>border</c>, the left-hand nodes
    /// above it on the right border. The proof has exactly <c>inner + border</c> nodes. Requires index &lt; size.
    /// </summary>
    public static (int Inner, int Border) DecomposeInclusionProof(ulong index, ulong size)
    {
        var inner = BitLength(index ^ (size - 1));
        var border = BitOperations.PopCount(index >> inner);
        return (inner, border);
    }
}
