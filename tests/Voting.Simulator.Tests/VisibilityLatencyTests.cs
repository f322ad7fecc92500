namespace Voting.Simulator.Tests;

public sealed class VisibilityLatencyTests
{
    private static TimeSpan S(double seconds) => TimeSpan.FromSeconds(seconds);

    [Fact]
    public void Each_vote_is_visible_at_the_first_reading_after_it_that_counts_it()
    {
        TimeSpan[] accepted = [S(1), S(1.5), S(2), S(4)];
        (TimeSpan, long)[] readings = [(S(0.5), 0), (S(1.2), 0), (S(2.5), 2), (S(3), 3), (S(5), 4)];

        var latencies = VisibilityLatency.Compute(accepted, readings);

        Assert.Equal([S(1.5), S(1), S(1), S(1)], latencies);
    }

    [Fact]
    public void A_reading_before_the_vote_was_accepted_never_counts_for_it()
    {
        // The results already show 2 more (votes of someone else, say) before our second vote is in.
        var latencies = VisibilityLatency.Compute([S(1), S(3)], [(S(2), 2), (S(3.5), 2)]);

        Assert.Equal([S(1), S(0.5)], latencies);
    }

    [Fact]
    public void Votes_never_seen_are_left_out_and_an_older_cached_answer_does_not_undo_what_was_seen()
    {
        var latencies = VisibilityLatency.Compute([S(1), S(1), S(1)], [(S(2), 2), (S(2.5), 1), (S(3), 2)]);

        Assert.Equal([S(1), S(1)], latencies);
    }

    [Fact]
    public void Percentiles_are_by_nearest_rank()
    {
        var distribution = new LatencyDistribution(Enumerable.Range(1, 100).Select(i => TimeSpan.FromMilliseconds(i)));

        Assert.Equal(TimeSpan.FromMilliseconds(50), distribution.Percentile(50));
        Assert.Equal(TimeSpan.FromMilliseconds(99), distribution.Percentile(99));
        Assert.Equal(TimeSpan.FromMilliseconds(100), distribution.Percentile(100));
        Assert.Null(new LatencyDistribution([]).Percentile(99));
    }
}
