using System.Security.Cryptography;
using Voting.Core.Merkle;

namespace Voting.Core.Tests.Merkle;

public sealed class MerkleRootAccumulatorTests
{
    [Fact]
    public void The_root_of_every_prefix_equals_the_trees()
    {
        var tree = new MerkleTree();
        var accumulator = new MerkleRootAccumulator();
        Assert.Equal(MerkleHashing.EmptyRoot.ToArray(), accumulator.Root());
        for (var i = 0; i < 600; i++)
        {
            var leaf = SHA256.HashData(BitConverter.GetBytes(i));
            tree.AppendLeafData(leaf);
            accumulator.AppendLeafData(leaf);
            Assert.Equal(tree.Size, accumulator.Size);
            Assert.True(tree.Root.AsSpan().SequenceEqual(accumulator.Root()), $"root at size {accumulator.Size}");
        }
    }

    [Fact]
    public void It_gives_the_rfc_6962_reference_root()
    {
        // transparency-dev/merkle's eight reference leaves; their tree's root (also in MerkleTreeTests).
        byte[][] leaves =
        [
            [], [0x00], [0x10], [0x20, 0x21], [0x30, 0x31], [0x40, 0x41, 0x42, 0x43],
            Convert.FromHexString("5051525354555657"), Convert.FromHexString("606162636465666768696a6b6c6d6e6f"),
        ];
        var accumulator = new MerkleRootAccumulator();
        foreach (var leaf in leaves)
        {
            accumulator.AppendLeafData(leaf);
        }

        Assert.Equal("5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328", Convert.ToHexStringLower(accumulator.Root()));
    }

    [Fact]
    public void A_leaf_hash_of_the_wrong_length_is_refused()
    {
        var accumulator = new MerkleRootAccumulator();
        Assert.Throws<ArgumentException>(() => accumulator.Append(new byte[31]));
        Assert.Equal(0, accumulator.Size);
    }
}
