using System.Text;
using Voting.Core.Merkle;

namespace Voting.Core.Tests.Merkle;

public sealed class LogContinuityTests
{
    private static MerkleTree TreeOf(int size, int rewrittenLeaf = -1)
    {
        var tree = new MerkleTree();
        for (var i = 0; i < size; i++)
        {
            tree.AppendLeafData(Encoding.UTF8.GetBytes(i == rewrittenLeaf ? $"other ballot {i}" : $"ballot {i}"));
        }

        return tree;
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(7, 7)]
    [InlineData(7, 8)]
    [InlineData(40, 45)]
    [InlineData(64, 1000)]
    public void A_log_that_only_grew_keeps_every_earlier_checkpoint(int checkpointSize, int logSize)
    {
        var checkpoint = TreeOf(checkpointSize).Root;

        Assert.Null(LogContinuity.Break(TreeOf(logSize), checkpointSize, checkpoint, "checkpoint"));
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(5, 8)]
    [InlineData(39, 40)]
    [InlineData(0, 1000)]
    [InlineData(999, 1000)]
    public void A_rewritten_leaf_below_the_checkpoint_is_a_break_that_names_both_roots(int rewrittenLeaf, int checkpointSize)
    {
        var checkpoint = TreeOf(checkpointSize).Root;
        var rewritten = TreeOf(checkpointSize + 3, rewrittenLeaf);

        var found = LogContinuity.Break(rewritten, checkpointSize, checkpoint, "the anchor at size " + checkpointSize);

        Assert.NotNull(found);
        Assert.Contains(Convert.ToHexStringLower(checkpoint), found, StringComparison.Ordinal);
        Assert.Contains(Convert.ToHexStringLower(rewritten.RootAt(checkpointSize)), found, StringComparison.Ordinal);
        Assert.Contains("the anchor at size " + checkpointSize, found, StringComparison.Ordinal);
        Assert.Contains("rewritten", found, StringComparison.Ordinal);
    }

    [Fact]
    public void A_leaf_rewritten_past_the_checkpoint_is_not_a_break_of_that_checkpoint()
    {
        var checkpoint = TreeOf(40).Root;

        Assert.Null(LogContinuity.Break(TreeOf(45, rewrittenLeaf: 42), 40, checkpoint, "checkpoint"));
    }

    [Fact]
    public void A_log_shorter_than_the_checkpoint_is_a_break()
    {
        var checkpoint = TreeOf(40).Root;

        var found = LogContinuity.Break(TreeOf(39), 40, checkpoint, "checkpoint 40");

        Assert.Equal("The log holds 39 leaves, fewer than the 40 of checkpoint 40: leaves were removed.", found);
    }

    [Fact]
    public void A_checkpoint_of_the_empty_log_holds_for_any_log()
    {
        Assert.Null(LogContinuity.Break(TreeOf(3), 0, MerkleHashing.EmptyRoot, "checkpoint"));
        Assert.NotNull(LogContinuity.Break(TreeOf(3), 0, new byte[32], "checkpoint"));
    }
}
