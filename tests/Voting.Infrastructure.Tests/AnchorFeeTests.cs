using System.Numerics;
using Voting.Infrastructure.Chain;

namespace Voting.Infrastructure.Tests;

public sealed class AnchorFeeTests
{
    private static readonly BigInteger Gwei = AnchorFee.WeiPerGwei;

    [Fact]
    public void A_fee_asked_above_the_cap_is_held_to_it_and_its_tip_never_exceeds_the_total()
    {
        Assert.Equal(new AnchorFee(3 * Gwei, 2 * Gwei), AnchorFee.Capped(new AnchorFee(4 * Gwei, 2 * Gwei), 3 * Gwei));
        Assert.Equal(new AnchorFee(Gwei, Gwei), AnchorFee.Capped(new AnchorFee(4 * Gwei, 2 * Gwei), Gwei));
        Assert.Equal(new AnchorFee(4 * Gwei, 2 * Gwei), AnchorFee.Capped(new AnchorFee(4 * Gwei, 2 * Gwei), 200 * Gwei));
    }

    [Fact]
    public void A_replacement_offers_a_quarter_more_of_each_fee_when_the_chain_asks_less()
    {
        var sent = new AnchorFee(4 * Gwei, 2 * Gwei);
        Assert.Equal(new AnchorFee(5 * Gwei, 2_500_000_000), sent.Replacement(new AnchorFee(3 * Gwei, Gwei), 200 * Gwei));
        Assert.Equal(new AnchorFee(5 * Gwei, 2_500_000_000), sent.Replacement(new AnchorFee(3 * Gwei, Gwei), cap: null));
    }

    [Fact]
    public void A_replacement_offers_what_the_chain_asks_now_when_that_is_more()
    {
        var sent = new AnchorFee(4 * Gwei, 2 * Gwei);
        Assert.Equal(new AnchorFee(22 * Gwei, 2_500_000_000), sent.Replacement(new AnchorFee(22 * Gwei, 2 * Gwei), 200 * Gwei));
    }

    [Fact]
    public void A_replacement_is_held_to_the_cap_and_there_is_none_when_the_cap_leaves_less_than_a_node_takes()
    {
        var sent = new AnchorFee(4 * Gwei, 2 * Gwei);
        Assert.Equal(new AnchorFee(4_400_000_000, 2_500_000_000), sent.Replacement(new AnchorFee(4 * Gwei, 2 * Gwei), 4_400_000_000)); // exactly 10% more: taken
        Assert.Null(sent.Replacement(new AnchorFee(4 * Gwei, 2 * Gwei), 4_399_999_999));
        Assert.Null(sent.Replacement(new AnchorFee(22 * Gwei, 2 * Gwei), 4 * Gwei)); // at the cap already
    }

    [Fact]
    public void The_raise_is_rounded_up_so_even_a_fee_of_a_few_wei_or_none_rises()
    {
        Assert.Equal(new AnchorFee(2, 2), new AnchorFee(1, 1).Replacement(new AnchorFee(1, 1), cap: null));
        Assert.Equal(new AnchorFee(13, 1), new AnchorFee(10, 0).Replacement(new AnchorFee(1, 0), cap: null));
    }

    [Theory]
    [InlineData(3_000_000_000, "3")]
    [InlineData(2_836_671_902, "2.836671902")]
    [InlineData(1, "0.000000001")]
    public void Fees_read_in_gwei(long wei, string gwei)
    {
        Assert.Equal(gwei, AnchorFee.Gwei(wei));
        Assert.Equal($"max {gwei} gwei, tip {gwei} gwei", new AnchorFee(wei, wei).ToString());
    }
}
