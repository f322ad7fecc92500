namespace Voting.Simulator.Tests;

public sealed class SimulationSummaryTests
{
    [Fact]
    public void The_measured_line_gives_each_latency()
    {
        var summary = new SimulationSummary(19_824, 604, 0, 90.04, 220.2, 39.6, 19_824, 773, 1_934, 89, 36_550, 59_707);

        Assert.Equal(
            "measured: 220 accepted votes/s over 90.0 s; 40 result reads/s; vote → visible p50 773 ms, p99 1934 ms; vote → anchored p50 36550 ms, p99 59707 ms (89 receipts)",
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
