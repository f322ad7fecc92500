using System.Security.Cryptography;

namespace Voting.Audit.Tests;

/// <summary>RFC 6962 §2.1 MTH written directly from the RFC, independent of the library under test.</summary>
public static class IndependentMerkle
{
    public static byte[] Root(IReadOnlyList<byte[]> leaves) => leaves.Count == 0 ? SHA256.HashData([]) : Hash(leaves, 0, leaves.Count);

    private static byte[] Hash(IReadOnlyList<byte[]> leaves, int start, int count)
    {
        if (count == 1)
        {
            return SHA256.HashData([0x00, .. leaves[start]]);
        }

        var k = 1;
        while (k * 2 < count)
        {
            k *= 2;
        }

        return SHA256.HashData([0x01, .. Hash(leaves, start, k), .. Hash(leaves, start + k, count - k)]);
    }
}
