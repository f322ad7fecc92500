using Voting.Core.Ballots;
using Voting.Core.Merkle;

namespace Voting.Core.Tests.Merkle;

public sealed class VoidLeafTests
{
    [Fact]
    public void A_void_leaf_is_the_documented_encoding_hashed()
    {
        // SHA-256("voting/void-leaf/v1" || u32be(11) || "us-2028-sim" || u64be(5)), computed outside .NET.
        Assert.Equal("0785f6d36e20c8a38d66f11a979bc24443c6097b980686804bf39b1a6d17cfca", Convert.ToHexStringLower(VoidLeaf.For("us-2028-sim", 5)));
    }

    [Fact]
    public void Each_position_and_election_has_its_own_void_leaf()
    {
        var leaves = new HashSet<string>(StringComparer.Ordinal);
        foreach (var election in new[] { "us-2028", "us-2028-sim", "x" })
        {
            for (var position = 0L; position < 1_000; position++)
            {
                Assert.True(leaves.Add(Convert.ToHexStringLower(VoidLeaf.For(election, position))));
            }
        }

        Assert.Equal(3_000, leaves.Count);
    }

    [Fact]
    public void Only_the_void_leaf_of_that_position_is_void_there()
    {
        var ballot = BallotHash.Compute(Ballot.New("us-2028", "CA", "harper"));

        Assert.True(VoidLeaf.Is("us-2028", 7, VoidLeaf.For("us-2028", 7)));
        Assert.False(VoidLeaf.Is("us-2028", 8, VoidLeaf.For("us-2028", 7)));
        Assert.False(VoidLeaf.Is("us-2029", 7, VoidLeaf.For("us-2028", 7)));
        Assert.False(VoidLeaf.Is("us-2028", 7, ballot));
        Assert.False(VoidLeaf.Is("us-2028", 7, VoidLeaf.For("us-2028", 7).AsSpan(0, 31)));
        Assert.Throws<ArgumentOutOfRangeException>(() => VoidLeaf.For("us-2028", -1));
    }
}
