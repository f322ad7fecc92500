using Voting.Core.Hashing;

namespace Voting.Core.Merkle;

/// <summary>
/// RFC 6962 §2.1 hashing with SHA-256: leaves and interior nodes get different one-byte prefixes
/// (0x00 and 0x01) so a leaf can never be passed off as a node, or the reverse (second-preimage
/// resistance of the tree).
/// </summary>
public static class MerkleHashing
{
    /// <summary>Length in bytes of every hash in the tree (SHA-256).</summary>
    public const int HashSize = 32;

    private const byte LeafPrefix = 0x00;
    private const byte NodePrefix = 0x01;

    // Inputs up to this size are prefixed in a stack buffer and hashed in one call; larger ones
    // are hashed in parts rather than copied.
    private const int StackBufferLimit = 256;

    /// <summary>
    /// Root of the empty tree: SHA-256 of the empty string,
    /// <c>e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855</c>.
    /// </summary>
    public static ReadOnlySpan<byte> EmptyRoot =>
    [
        0xe3, 0xb0, 0xc4, 0x42, 0x98, 0xfc, 0x1c, 0x14, 0x9a, 0xfb, 0xf4, 0xc8, 0x99, 0x6f, 0xb9, 0x24,
        0x27, 0xae, 0x41, 0xe4, 0x64, 0x9b, 0x93, 0x4c, 0xa4, 0x95, 0x99, 0x1b, 0x78, 0x52, 0xb8, 0x55,
    ];

    /// <summary>Leaf hash <c>SHA-256(0x00 || leafData)</c>.</summary>
    /// <param name="leafData">The leaf's data (for ballots, the ballot hash).</param>
    /// <returns>A new 32-byte array.</returns>
    public static byte[] LeafHash(ReadOnlySpan<byte> leafData)
    {
        var hash = new byte[HashSize];
        LeafHash(leafData, hash);
        return hash;
    }

    /// <summary>Writes the leaf hash <c>SHA-256(0x00 || leafData)</c> into <paramref name="destination"/>.</summary>
    /// <param name="leafData">The leaf's data.</param>
    /// <param name="destination">At least <see cref="HashSize"/> bytes; may overlap <paramref name="leafData"/>.</param>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than <see cref="HashSize"/>.</exception>
    public static void LeafHash(ReadOnlySpan<byte> leafData, Span<byte> destination)
    {
        EnsureRoom(destination);
        if (leafData.Length + 1 <= StackBufferLimit)
        {
            Span<byte> buffer = stackalloc byte[leafData.Length + 1];
            buffer[0] = LeafPrefix;
            leafData.CopyTo(buffer[1..]);
            ThreadLocalSha256.HashData(buffer, destination);
            return;
        }

        ThreadLocalSha256.HashData([LeafPrefix], leafData, [], destination);
    }

    /// <summary>Interior node hash <c>SHA-256(0x01 || left || right)</c>.</summary>
    /// <param name="left">Hash of the left subtree.</param>
    /// <param name="right">Hash of the right subtree.</param>
    /// <returns>A new 32-byte array.</returns>
    public static byte[] NodeHash(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right)
    {
        var hash = new byte[HashSize];
        NodeHash(left, right, hash);
        return hash;
    }

    /// <summary>Writes the interior node hash <c>SHA-256(0x01 || left || right)</c> into <paramref name="destination"/>.</summary>
    /// <param name="left">Hash of the left subtree.</param>
    /// <param name="right">Hash of the right subtree.</param>
    /// <param name="destination">
    /// At least <see cref="HashSize"/> bytes; may overlap <paramref name="left"/> or
    /// <paramref name="right"/>, so a running hash can be folded in place.
    /// </param>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than <see cref="HashSize"/>.</exception>
    public static void NodeHash(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right, Span<byte> destination)
    {
        EnsureRoom(destination);
        var length = 1 + left.Length + right.Length;
        if (length <= StackBufferLimit)
        {
            Span<byte> buffer = stackalloc byte[length];
            buffer[0] = NodePrefix;
            left.CopyTo(buffer[1..]);
            right.CopyTo(buffer[(1 + left.Length)..]);
            ThreadLocalSha256.HashData(buffer, destination);
            return;
        }

        ThreadLocalSha256.HashData([NodePrefix], left, right, destination);
    }

    private static void EnsureRoom(Span<byte> destination)
    {
        if (destination.Length < HashSize)
        {
            throw new ArgumentException($"The destination must hold at least {HashSize} bytes; it has {destination.Length}.", nameof(destination));
        }
    }
}
