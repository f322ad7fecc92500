using System.Text;
using Voting.Core.Merkle;

namespace Voting.Core.Tests.Merkle;

public sealed class MerkleInclusionPathTests
{
    private static MerkleTree TreeOf(int size)
    {
        var tree = new MerkleTree();
        for (var i = 0; i < size; i++)
        {
            tree.AppendLeafData(Encoding.UTF8.GetBytes($"ballot {i}"));
        }

        return tree;
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(0, 2)]
    [InlineData(1, 2)]
    [InlineData(4, 7)]
    [InlineData(6, 7)]
    [InlineData(12, 13)]
    [InlineData(37, 100)]
    [InlineData(99, 100)]
    public void Walking_a_genuine_proof_ends_at_the_tree_root_level_by_level(long index, long size)
    {
        var tree = TreeOf((int)size);
        var proof = tree.InclusionProof(index, size);
        var leafHash = tree.LeafHashAt(index);

        var steps = MerkleInclusionPath.Walk(index, size, leafHash, proof);

        Assert.Equal(proof.Count, steps.Count);
        var expectedRoot = tree.RootAt(size);
        Assert.Equal(expectedRoot, steps.Count == 0 ? leafHash : steps[^1].Parent);
        var running = leafHash;
        for (var level = 0; level < steps.Count; level++)
        {
            var step = steps[level];
            Assert.Equal(level, step.Level);
            Assert.Equal(running, step.Running);
            Assert.Equal(proof[level], step.Sibling);
            var parent = step.SiblingOnLeft ? MerkleHashing.NodeHash(step.Sibling, running) : MerkleHashing.NodeHash(running, step.Sibling);
            Assert.Equal(parent, step.Parent);
            running = parent;
        }
    }

    [Fact]
    public void The_sides_follow_the_index_bits_then_the_right_border()
    {
        // Leaf 6 of 7: its sibling level 0 is absent (6 is the last, unpaired leaf), so the path is
        // the right border all the way: both proof nodes are left siblings.
        var tree = TreeOf(7);
        var steps = MerkleInclusionPath.Walk(6, 7, tree.LeafHashAt(6), tree.InclusionProof(6, 7));
        Assert.All(steps, step => Assert.True(step.SiblingOnLeft));

        // Leaf 5 of 8 = binary 101: right child, left child, right child.
        var full = TreeOf(8);
        var sides = MerkleInclusionPath.Walk(5, 8, full.LeafHashAt(5), full.InclusionProof(5, 8)).Select(s => s.SiblingOnLeft);
        Assert.Equal([true, false, true], sides);
    }

    [Fact]
    public void A_malformed_proof_is_refused_with_the_verifiers_reason()
    {
        var tree = TreeOf(10);
        var proof = tree.InclusionProof(3, 10).Take(2).ToList();

        var refused = Assert.Throws<MerkleProofException>(() => MerkleInclusionPath.Walk(3, 10, tree.LeafHashAt(3), proof));
        Assert.Contains("needs 4", refused.Message, StringComparison.Ordinal);
    }
}
