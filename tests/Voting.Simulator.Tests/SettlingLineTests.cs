namespace Voting.Simulator.Tests;

public sealed class SettlingLineTests
{
    [Fact]
    public void Names_the_votes_not_yet_visible_and_the_receipts_not_yet_anchored()
    {
        Assert.Equal(
            "settling: 120 accepted votes not yet in the results, 3 followed receipts not yet anchored",
            ElectionSimulation.SettlingLine(120, 3));
    }

    [Fact]
    public void Says_nothing_of_the_results_when_no_one_reads_them()
    {
        Assert.Equal("settling: 3 followed receipts not yet anchored", ElectionSimulation.SettlingLine(null, 3));
    }

    [Fact]
    public void Says_nothing_of_receipts_when_none_is_followed()
    {
        Assert.Equal("settling: 7 accepted votes not yet in the results", ElectionSimulation.SettlingLine(7, 0));
    }
}
