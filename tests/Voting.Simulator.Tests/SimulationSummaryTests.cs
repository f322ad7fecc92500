namespace Voting.Simulator.Tests;

public sealed class SimulationSummaryTests
{
    [Fact]
    public void The_measured_line_gives_each_latency()
    {
        var summary = new SimulationSummary(19_824, 604, 0, 90.04, 220.2, 39.6, 19_824, 773, 1_934, 89, 36_550, 59_707, VisibleSamples: 19_824, VisibleOf: 19_824, AnchoredOf: 89);

        Assert.Equal(
            "measured: 220 accepted votes/s over 90.0 s; 40 result reads/s; vote → visible p50 773 ms, p99 1934 ms (19824 votes); vote → anchored p50 36550 ms, p99 59707 ms (89 receipts)",
            summary.MeasuredLine());
    }

    [Fact]
    public void Votes_and_receipts_never_seen_count_as_slower_than_every_one_seen()
    {
        // 100 accepted, 98 seen in the results: the slowest 1% lies among the 2 never seen. 10 receipts
        // followed, 6 still pending at the end: even the median is beyond what was seen.
        var seen = Enumerable.Range(1, 98).Select(i => TimeSpan.FromMilliseconds(i * 10));
        var visible = new LatencyDistribution(seen, population: 100);
        var anchored = new LatencyDistribution(Enumerable.Range(1, 4).Select(i => TimeSpan.FromSeconds(i)), population: 10);
        Assert.Equal((TimeSpan.FromMilliseconds(500), null), (visible.Percentile(50), visible.Percentile(99)));
        Assert.Equal((null, null), (anchored.Percentile(50), anchored.Percentile(99)));

        var summary = new SimulationSummary(
            100, 0, 0, 10, 10, 5, 98, visible.Percentile(50)?.TotalMilliseconds, null, anchored.Count, null, null,
            VisibleSamples: visible.Count, VisibleOf: 100, AnchoredOf: anchored.Population);

        Assert.Equal(
            "measured: 10 accepted votes/s over 10.0 s; 5 result reads/s; vote → visible p50 500 ms, p99 beyond the run's end (98 of 100 votes seen); "
            + "vote → anchored p50 beyond the run's end, p99 beyond the run's end (4 of 10 receipts seen)",
            summary.MeasuredLine());
    }

    [Fact]
    public void The_measured_line_says_why_a_latency_was_not_measured()
    {
        // --readers 0 --probe-every 0: nothing read the results and no receipt was followed.
        var summary = new SimulationSummary(600_000, 0, 0, 199.1, 3_014, 0, 0, null, null, 0, null, null);

        Assert.Equal(
            "measured: 3014 accepted votes/s over 199.1 s; 0 result reads/s; vote → visible not measured (no result readers); vote → anchored not measured (no receipt followed until anchored)",
            summary.MeasuredLine());
    }
}
