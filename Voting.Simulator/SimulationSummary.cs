namespace Voting.Simulator;

/// <summary>What a run measured, printed at the end and written as JSON for the benchmark.</summary>
/// <param name="Accepted">Votes acknowledged (202).</param>
/// <param name="Refused">Second attempts, invalid ballots and throttled requests refused as they should be.</param>
/// <param name="Failed">5xx answers and transport errors.</param>
/// <param name="CastingSeconds">From the first vote to the last answer.</param>
/// <param name="AcceptedPerSecond">Accepted votes over the casting time.</param>
/// <param name="ReadsPerSecond">Result reads over the whole run.</param>
/// <param name="Visible">Votes of this run visible in the results at the end.</param>
/// <param name="VisibleP50Ms">Vote → visible in the results, median (ms); null without readers.</param>
/// <param name="VisibleP99Ms">Vote → visible in the results, 99th percentile (ms).</param>
/// <param name="AnchoredSamples">Receipts followed until anchored.</param>
/// <param name="AnchoredP50Ms">Vote → anchored on chain, median (ms).</param>
/// <param name="AnchoredP99Ms">Vote → anchored on chain, 99th percentile (ms).</param>
public sealed record SimulationSummary(
    long Accepted, long Refused, long Failed, double CastingSeconds, double AcceptedPerSecond, double ReadsPerSecond, long Visible,
    double? VisibleP50Ms, double? VisibleP99Ms, int AnchoredSamples, double? AnchoredP50Ms, double? AnchoredP99Ms);
