using System.Globalization;

namespace Voting.Simulator;

/// <summary>What a run measured, printed at the end and written as JSON for the benchmark.</summary>
/// <param name="Accepted">Votes acknowledged (202).</param>
/// <param name="Refused">Second attempts, invalid ballots and throttled requests refused as they should be.</param>
/// <param name="Failed">5xx answers, transport errors, unexpected statuses and wrong answers (see <see cref="SimulationTally.Failed"/>).</param>
/// <param name="CastingSeconds">From the first vote to the last answer.</param>
/// <param name="AcceptedPerSecond">Accepted votes over the casting time.</param>
/// <param name="ReadsPerSecond">Result reads over the whole run.</param>
/// <param name="Visible">Votes of this run visible in the results at the end.</param>
/// <param name="VisibleP50Ms">Vote → visible in the results, median (ms); null without readers.</param>
/// <param name="VisibleP99Ms">Vote → visible in the results, 99th percentile (ms).</param>
/// <param name="AnchoredSamples">Receipts followed until anchored.</param>
/// <param name="AnchoredP50Ms">Vote → anchored on chain, median (ms).</param>
/// <param name="AnchoredP99Ms">Vote → anchored on chain, 99th percentile (ms).</param>
/// <param name="VisibleSamples">Accepted votes seen in the results before the run ended (the vote → visible samples).</param>
/// <param name="VisibleOf">Accepted votes whose visibility was watched (all accepted, with result readers; else 0).</param>
/// <param name="AnchoredOf">Receipts followed: those seen anchored and those still pending at the end.</param>
/// <remarks>A percentile whose rank falls among votes (or receipts) never seen is null: it lies beyond the run's end.</remarks>
public sealed record SimulationSummary(
    long Accepted, long Refused, long Failed, double CastingSeconds, double AcceptedPerSecond, double ReadsPerSecond, long Visible,
    double? VisibleP50Ms, double? VisibleP99Ms, int AnchoredSamples, double? AnchoredP50Ms, double? AnchoredP99Ms,
    int VisibleSamples = 0, long VisibleOf = 0, long AnchoredOf = 0)
{
    /// <summary>The run's last line: rates, then each latency, or why it was not measured.</summary>
    public string MeasuredLine()
    {
        var visible = Latencies("vote → visible", VisibleP50Ms, VisibleP99Ms, VisibleSamples, Math.Max(VisibleOf, VisibleSamples), "votes seen", "no result readers");
        var anchored = Latencies("vote → anchored", AnchoredP50Ms, AnchoredP99Ms, AnchoredSamples, Math.Max(AnchoredOf, AnchoredSamples), "receipts", "no receipt followed until anchored");
        return string.Create(CultureInfo.InvariantCulture,
            $"measured: {AcceptedPerSecond:F0} accepted votes/s over {CastingSeconds:F1} s; {ReadsPerSecond:F0} result reads/s; {visible}; {anchored}");
    }

    private static string Latencies(string what, double? p50, double? p99, long samples, long of, string unit, string whyNone)
    {
        if (samples == 0)
        {
            return of > 0 ? $"{what} not measured (none of {of} {unit.Split(' ')[0]} seen before the run ended)" : $"{what} not measured ({whyNone})";
        }

        // "(89 receipts)" when all were seen; "(19,500 of 19,824 votes seen)" when some never were.
        var counted = samples == of
            ? string.Create(CultureInfo.InvariantCulture, $"{samples} {unit.Split(' ')[0]}")
            : string.Create(CultureInfo.InvariantCulture, $"{samples} of {of} {unit.Split(' ')[0]} seen");
        string At(double? ms) => ms is { } value ? string.Create(CultureInfo.InvariantCulture, $"{value:F0} ms") : "beyond the run's end";
        return $"{what} p50 {At(p50)}, p99 {At(p99)} ({counted})";
    }
}
