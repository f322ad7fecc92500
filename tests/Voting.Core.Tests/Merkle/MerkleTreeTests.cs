using System.Security.Cryptography;
using System.Text;
using Voting.Core.Merkle;

namespace Voting.Core.Tests.Merkle;

public sealed class MerkleTreeTests
{
    // transparency-dev/merkle proof/verify_test.go: the eight reference leaves and the roots of
    // the trees of their first 0..8 entries (size 0: SHA-256 of nothing).
    private static readonly byte[][] ReferenceLeaves =
    [
        [],
        Convert.FromHexString("00"),
        Convert.FromHexString("10"),
        Convert.FromHexString("2021"),
        Convert.FromHexString("3031"),
        Convert.FromHexString("40414243"),
        Convert.FromHexString("5051525354555657"),
        Convert.FromHexString("606162636465666768696a6b6c6d6e6f"),
    ];

    private static readonly string[] ReferenceRoots =
    [
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    ];

    private const int ExhaustiveSize = 70;

    [Fact]
    public void Hashing_is_sha256_with_the_rfc_6962_domain_prefixes()
    {
        var left = SHA256.HashData("left"u8);
        var right = SHA256.HashData("right"u8);
        var bigLeaf = Enumerable.Range(0, 10_000).Select(i => (byte)i).ToArray();

        Assert.Equal(SHA256.HashData([]), MerkleHashing.EmptyRoot.ToArray());
        Assert.Equal(32, MerkleHashing.HashSize);
        Assert.Equal(SHA256.HashData([0x00, .. "data"u8]), MerkleHashing.LeafHash("data"u8));
        Assert.Equal(SHA256.HashData([0x00, .. bigLeaf]), MerkleHashing.LeafHash(bigLeaf));
        Assert.Equal(SHA256.HashData([0x01, .. left, .. right]), MerkleHashing.NodeHash(left, right));

        // The destination may be one of the inputs, so a running hash can be folded in place.
        var running = left.ToArray();
        MerkleHashing.NodeHash(running, right, running);
        Assert.Equal(SHA256.HashData([0x01, .. left, .. right]), running);
        Assert.Throws<ArgumentException>(() => MerkleHashing.NodeHash(left, right, new byte[31]));
    }

    [Fact]
    public void Roots_of_the_reference_leaves_match_transparency_dev()
    {
        var tree = new MerkleTree();
        Assert.Equal(ReferenceRoots[0], Convert.ToHexStringLower(tree.Root));
        for (var i = 0; i < ReferenceLeaves.Length; i++)
        {
            Assert.Equal(i, tree.AppendLeafData(ReferenceLeaves[i]));
            Assert.Equal(ReferenceRoots[i + 1], Convert.ToHexStringLower(tree.Root));
        }

        for (var size = 0; size <= ReferenceLeaves.Length; size++)
        {
            Assert.Equal(ReferenceRoots[size], Convert.ToHexStringLower(tree.RootAt(size)));
        }
    }

    [Fact]
    public void Known_proofs_from_transparency_dev_are_reproduced()
    {
        var tree = TreeOf(ReferenceLeaves.Length);

        // Inclusion proofs: (leaf index, tree size, proof).
        AssertProof(["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7", "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e", "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"], tree.InclusionProof(0, 8));
        AssertProof(["bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b", "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0", "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"], tree.InclusionProof(5, 8));
        AssertProof(["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"], tree.InclusionProof(2, 3));
        AssertProof(["6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d", "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e", "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"], tree.InclusionProof(1, 5));
        AssertProof([], tree.InclusionProof(0, 1));

        // Consistency proofs: (size1, size2, proof).
        AssertProof([], tree.ConsistencyProof(1, 1));
        AssertProof(["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7", "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e", "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"], tree.ConsistencyProof(1, 8));
        AssertProof(["0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a", "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0", "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"], tree.ConsistencyProof(6, 8));
        AssertProof(["5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e", "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"], tree.ConsistencyProof(2, 5));
        AssertProof(["0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a", "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f", "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"], tree.ConsistencyProof(6, 7));
    }

    [Fact]
    public void Root_at_every_size_matches_the_naive_rfc_definition()
    {
        const int maxSize = 130;
        var leaves = Enumerable.Range(0, maxSize).Select(LeafData).ToList();
        var tree = new MerkleTree();
        for (var size = 0; size <= maxSize; size++)
        {
            // The current root while growing, and every historical root once grown.
            Assert.Equal(size, tree.Size);
            Assert.Equal(ReferenceMth(leaves, 0, size), tree.Root);
            if (size < maxSize)
            {
                tree.AppendLeafData(leaves[size]);
            }
        }

        for (var size = 0; size <= maxSize; size++)
        {
            Assert.Equal(ReferenceMth(leaves, 0, size), tree.RootAt(size));
        }
    }

    [Fact]
    public void Every_inclusion_proof_verifies_and_fails_when_tampered()
    {
        var tree = TreeOf(ExhaustiveSize);
        var leaves = Enumerable.Range(0, ExhaustiveSize).Select(LeafData).ToList();
        for (var size = 1; size <= ExhaustiveSize; size++)
        {
            var root = tree.RootAt(size);
            for (var index = 0; index < size; index++)
            {
                var leafHash = tree.LeafHashAt(index);
                var proof = tree.InclusionProof(index, size);

                Assert.Equal(ReferencePath(leaves, index, 0, size), proof);
                Assert.True(MerkleProofVerifier.VerifyInclusion(index, size, leafHash, proof, root), $"leaf {index} of {size}");
                Assert.Equal(root, MerkleProofVerifier.RootFromInclusionProof(index, size, leafHash, proof));

                for (var node = 0; node < proof.Count; node++)
                {
                    Assert.False(MerkleProofVerifier.VerifyInclusion(index, size, leafHash, FlipByte(proof, node, index + size), root), $"leaf {index} of {size}, node {node} flipped");
                }

                Assert.False(MerkleProofVerifier.VerifyInclusion(index, size, FlipByte([leafHash], 0, index)[0], proof, root));
                Assert.False(MerkleProofVerifier.VerifyInclusion(index, size, leafHash, proof, FlipByte([root], 0, size)[0]));
                Assert.False(MerkleProofVerifier.VerifyInclusion(index + 1, size, leafHash, proof, root));
                Assert.False(MerkleProofVerifier.VerifyInclusion(index, size, leafHash, [.. proof, root], root));
                if (proof.Count > 0)
                {
                    Assert.False(MerkleProofVerifier.VerifyInclusion(index, size, leafHash, proof.Take(proof.Count - 1).ToList(), root));
                }

                // The size is bound only through the root: with size + 1 the same proof may still
                // chain to this root (verify.go behaves alike), but never to the bigger tree's root.
                if (size < ExhaustiveSize)
                {
                    Assert.False(MerkleProofVerifier.VerifyInclusion(index, size + 1, leafHash, proof, tree.RootAt(size + 1)));
                }
            }
        }
    }

    [Fact]
    public void Every_consistency_proof_verifies_and_fails_when_tampered()
    {
        var tree = TreeOf(ExhaustiveSize);
        var leaves = Enumerable.Range(0, ExhaustiveSize).Select(LeafData).ToList();
        for (var size2 = 1; size2 <= ExhaustiveSize; size2++)
        {
            var root2 = tree.RootAt(size2);
            for (var size1 = 1; size1 <= size2; size1++)
            {
                var root1 = tree.RootAt(size1);
                var proof = tree.ConsistencyProof(size1, size2);

                Assert.Equal(ReferenceSubProof(leaves, size1, 0, size2, wholeFirstTree: true), proof);
                Assert.True(MerkleProofVerifier.VerifyConsistency(size1, size2, proof, root1, root2), $"{size1} -> {size2}");

                for (var node = 0; node < proof.Count; node++)
                {
                    Assert.False(MerkleProofVerifier.VerifyConsistency(size1, size2, FlipByte(proof, node, size1 + size2), root1, root2), $"{size1} -> {size2}, node {node} flipped");
                }

                Assert.False(MerkleProofVerifier.VerifyConsistency(size1, size2, proof, FlipByte([root1], 0, size1)[0], root2));
                Assert.False(MerkleProofVerifier.VerifyConsistency(size1, size2, proof, root1, FlipByte([root2], 0, size2)[0]));
                Assert.False(MerkleProofVerifier.VerifyConsistency(size1, size2, [.. proof, root1], root1, root2));
                if (size2 < ExhaustiveSize)
                {
                    Assert.False(MerkleProofVerifier.VerifyConsistency(size1, size2 + 1, proof, root1, tree.RootAt(size2 + 1)));
                }

                if (size1 != size2)
                {
                    Assert.False(MerkleProofVerifier.VerifyConsistency(size1, size2, proof, root2, root1));
                    Assert.False(MerkleProofVerifier.VerifyConsistency(size1, size2, proof.Take(proof.Count - 1).ToList(), root1, root2));
                }
            }
        }
    }

    [Fact]
    public void Consistency_from_the_empty_tree_is_an_empty_proof_that_proves_nothing()
    {
        var tree = TreeOf(5);

        Assert.Empty(tree.ConsistencyProof(0, 5));
        Assert.Empty(tree.ConsistencyProof(0, 0));
        Assert.False(MerkleProofVerifier.VerifyConsistency(0, 5, [], MerkleHashing.EmptyRoot, tree.Root));
        Assert.False(MerkleProofVerifier.VerifyConsistency(0, 0, [], MerkleHashing.EmptyRoot, MerkleHashing.EmptyRoot));
    }

    [Fact]
    public void A_tree_spanning_several_storage_chunks_matches_the_naive_roots()
    {
        // 2048 nodes per chunk: level 0 crosses chunks at 2048 leaves, level 4 at 32768.
        const int size = 70_000;
        var leaves = Enumerable.Range(0, size).Select(LeafData).ToList();
        var tree = new MerkleTree();
        foreach (var leaf in leaves)
        {
            tree.AppendLeafData(leaf);
        }

        foreach (var at in new[] { 2047, 2048, 2049, 32_767, 32_768, 32_769, 65_536, size })
        {
            var root = tree.RootAt(at);
            Assert.Equal(ReferenceMth(leaves, 0, at), root);
            foreach (var index in new[] { 0, 2047, 2048, at / 2, at - 1 }.Where(i => i < at))
            {
                Assert.Equal(MerkleHashing.LeafHash(leaves[index]), tree.LeafHashAt(index));
                Assert.True(MerkleProofVerifier.VerifyInclusion(index, at, tree.LeafHashAt(index), tree.InclusionProof(index, at), root));
            }

            Assert.True(MerkleProofVerifier.VerifyConsistency(at, size, tree.ConsistencyProof(at, size), root, tree.Root));
            Assert.True(MerkleProofVerifier.VerifyConsistency(1000, at, tree.ConsistencyProof(1000, at), tree.RootAt(1000), root));
        }
    }

    [Fact]
    public void Out_of_range_arguments_throw()
    {
        var empty = new MerkleTree();
        Assert.Throws<ArgumentOutOfRangeException>(() => empty.RootAt(1));
        Assert.Throws<ArgumentOutOfRangeException>(() => empty.LeafHashAt(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => empty.InclusionProof(0, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => empty.ConsistencyProof(0, 1));

        var tree = TreeOf(5);
        Assert.Throws<ArgumentOutOfRangeException>(() => tree.RootAt(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => tree.RootAt(6));
        Assert.Throws<ArgumentOutOfRangeException>(() => tree.LeafHashAt(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => tree.LeafHashAt(5));
        Assert.Throws<ArgumentOutOfRangeException>(() => tree.InclusionProof(-1, 5));
        Assert.Throws<ArgumentOutOfRangeException>(() => tree.InclusionProof(3, 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => tree.InclusionProof(0, 6));
        Assert.Throws<ArgumentOutOfRangeException>(() => tree.InclusionProof(0, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => tree.ConsistencyProof(3, 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => tree.ConsistencyProof(-1, 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => tree.ConsistencyProof(1, 6));
        Assert.Throws<ArgumentException>(() => tree.Append(new byte[31]));
        Assert.Equal(5, tree.Size);
    }

    [Fact]
    public void Verifiers_return_false_rather_than_throw_on_malformed_input()
    {
        var tree = TreeOf(8);
        var leaf = tree.LeafHashAt(3);
        var proof = tree.InclusionProof(3, 8).ToList();
        var root = tree.Root;
        var consistency = tree.ConsistencyProof(3, 8).ToList();
        var root3 = tree.RootAt(3);

        Assert.False(MerkleProofVerifier.VerifyInclusion(3, 8, leaf, null!, root));
        Assert.False(MerkleProofVerifier.VerifyInclusion(3, 8, leaf, [proof[0], null!, proof[2]], root));
        Assert.False(MerkleProofVerifier.VerifyInclusion(3, 8, leaf, [proof[0], proof[1][..31], proof[2]], root));
        Assert.False(MerkleProofVerifier.VerifyInclusion(3, 8, leaf[..31], proof, root));
        Assert.False(MerkleProofVerifier.VerifyInclusion(3, 8, leaf, proof, root[..31]));
        Assert.False(MerkleProofVerifier.VerifyInclusion(-1, 8, leaf, proof, root));
        Assert.False(MerkleProofVerifier.VerifyInclusion(3, -8, leaf, proof, root));
        Assert.False(MerkleProofVerifier.VerifyInclusion(long.MaxValue - 1, long.MaxValue, leaf, proof, root));
        Assert.False(MerkleProofVerifier.VerifyInclusion(0, 0, leaf, [], MerkleHashing.EmptyRoot));

        Assert.True(MerkleProofVerifier.VerifyConsistency(3, 8, consistency, root3, root));
        Assert.False(MerkleProofVerifier.VerifyConsistency(3, 8, null!, root3, root));
        Assert.False(MerkleProofVerifier.VerifyConsistency(3, 8, [null!, .. consistency.Skip(1)], root3, root));
        Assert.False(MerkleProofVerifier.VerifyConsistency(3, 8, [consistency[0][..31], .. consistency.Skip(1)], root3, root));
        Assert.False(MerkleProofVerifier.VerifyConsistency(3, 8, consistency, root3[..31], root));
        Assert.False(MerkleProofVerifier.VerifyConsistency(-3, 8, consistency, root3, root));
        Assert.False(MerkleProofVerifier.VerifyConsistency(3, long.MaxValue, consistency, root3, root));
        Assert.False(MerkleProofVerifier.VerifyConsistency(long.MaxValue - 1, long.MaxValue, consistency, root3, root));
        Assert.False(MerkleProofVerifier.VerifyConsistency(8, 3, consistency, root, root3));
    }

    [Fact]
    public void Root_from_inclusion_proof_throws_for_structurally_bad_proofs()
    {
        var tree = TreeOf(8);
        var leaf = tree.LeafHashAt(3);
        var proof = tree.InclusionProof(3, 8);

        Assert.Throws<ArgumentNullException>(() => MerkleProofVerifier.RootFromInclusionProof(3, 8, leaf, null!));
        Assert.Throws<MerkleProofException>(() => MerkleProofVerifier.RootFromInclusionProof(3, 8, leaf, proof.Skip(1).ToList()));
        Assert.Throws<MerkleProofException>(() => MerkleProofVerifier.RootFromInclusionProof(3, 8, leaf, [.. proof, leaf]));
        Assert.Throws<MerkleProofException>(() => MerkleProofVerifier.RootFromInclusionProof(3, 8, leaf[..16], proof));
        Assert.Throws<MerkleProofException>(() => MerkleProofVerifier.RootFromInclusionProof(8, 8, leaf, proof));
        Assert.Throws<MerkleProofException>(() => MerkleProofVerifier.RootFromInclusionProof(-1, 8, leaf, proof));
        var error = Assert.Throws<MerkleProofException>(() => MerkleProofVerifier.RootFromInclusionProof(3, 8, leaf, [proof[0], new byte[5], proof[2]]));
        Assert.Contains("node 1", error.Message, StringComparison.Ordinal);
    }

    private static byte[] LeafData(int index) =>
        index < ReferenceLeaves.Length ? ReferenceLeaves[index] : Encoding.ASCII.GetBytes($"leaf {index}");

    private static MerkleTree TreeOf(int size)
    {
        var tree = new MerkleTree();
        for (var i = 0; i < size; i++)
        {
            tree.AppendLeafData(LeafData(i));
        }

        return tree;
    }

    private static void AssertProof(string[] expectedHex, IReadOnlyList<byte[]> proof) =>
        Assert.Equal(expectedHex, proof.Select(Convert.ToHexStringLower).ToArray());

    /// <summary>A copy of <paramref name="proof"/> with one byte of node <paramref name="node"/> inverted.</summary>
    private static byte[][] FlipByte(IReadOnlyList<byte[]> proof, int node, int seed)
    {
        var copy = proof.Select(hash => hash.ToArray()).ToArray();
        copy[node][seed % copy[node].Length] ^= 0xff;
        return copy;
    }

    // RFC 6962 §2.1, written down directly and independently of the library's hashing.
    private static int SplitPoint(int n)
    {
        var k = 1;
        while (k << 1 < n)
        {
            k <<= 1;
        }

        return k;
    }

    private static byte[] ReferenceMth(IReadOnlyList<byte[]> leaves, int start, int end)
    {
        var n = end - start;
        if (n == 0)
        {
            return SHA256.HashData([]);
        }

        if (n == 1)
        {
            return SHA256.HashData([0x00, .. leaves[start]]);
        }

        var k = SplitPoint(n);
        return SHA256.HashData([0x01, .. ReferenceMth(leaves, start, start + k), .. ReferenceMth(leaves, start + k, end)]);
    }

    // §2.1.1 PATH(m, D[start:end]).
    private static List<byte[]> ReferencePath(IReadOnlyList<byte[]> leaves, int m, int start, int end)
    {
        var n = end - start;
        if (n == 1)
        {
            return [];
        }

        var k = SplitPoint(n);
        return m < k
            ? [.. ReferencePath(leaves, m, start, start + k), ReferenceMth(leaves, start + k, end)]
            : [.. ReferencePath(leaves, m - k, start + k, end), ReferenceMth(leaves, start, start + k)];
    }

    // §2.1.2 SUBPROOF(m, D[start:end], b).
    private static List<byte[]> ReferenceSubProof(IReadOnlyList<byte[]> leaves, int m, int start, int end, bool wholeFirstTree)
    {
        var n = end - start;
        if (m == n)
        {
            return wholeFirstTree ? [] : [ReferenceMth(leaves, start, end)];
        }

        var k = SplitPoint(n);
        return m <= k
            ? [.. ReferenceSubProof(leaves, m, start, start + k, wholeFirstTree), ReferenceMth(leaves, start + k, end)]
            : [.. ReferenceSubProof(leaves, m - k, start + k, end, wholeFirstTree: false), ReferenceMth(leaves, start, start + k)];
    }
}
