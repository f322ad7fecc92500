using System.Globalization;

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
    double? VisibleP50Ms, double? VisibleP99Ms, int AnchoredSamples, double? AnchoredP50Ms, double? AnchoredP99Ms)
{
    /// <summary>The run's last line: rates, then each latency, or why it was not measured.</summary>
    public string MeasuredLine()
    {
        var visible = VisibleP50Ms is { } visibleP50 && VisibleP99Ms is { } visibleP99
            ? string.Create(CultureInfo.InvariantCulture, $"vote → visible p50 {visibleP50:F0} ms, p99 {visibleP99:F0} ms")
            : "vote → visible not measured (no result readers)";
        var anchored = AnchoredP50Ms is { } anchoredP50 && AnchoredP99Ms is { } anchoredP99
            ? string.Create(CultureInfo.InvariantCulture, $"vote → anchored p50 {anchoredP50:F0} ms, p99 {anchoredP99:F0} ms ({AnchoredSamples} receipts)")
            : "vote → anchored not measured (no receipt followed until anchored)";
        return string.Create(CultureInfo.InvariantCulture,
            $"measured: {AcceptedPerSecond:F0} accepted votes/s over {CastingSeconds:F1} s; {ReadsPerSecond:F0} result reads/s; {visible}; {anchored}");
    }
}
