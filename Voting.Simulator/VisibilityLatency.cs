namespace Voting.Simulator;

/// <summary>
/// How long accepted votes took to show in the published results, by count: the k-th vote
/// accepted is visible at the first reading, not before it was accepted, where the results count
/// at least k votes more than when the run began. Votes are not processed strictly in order, so
/// this matches by count, as a reader of the results sees it.
/// </summary>
public static class VisibilityLatency
{
    /// <param name="acceptedAt">When each accepted vote was acknowledged (run time), in acceptance order.</param>
    /// <param name="readings">Readings of the results: run time and votes visible beyond the baseline, in time order.</param>
    /// <returns>One latency per accepted vote that became visible, in acceptance order; votes never seen are left out.</returns>
    public static IReadOnlyList<TimeSpan> Compute(IReadOnlyList<TimeSpan> acceptedAt, IReadOnlyList<(TimeSpan At, long Visible)> readings)
    {
        // A cached answer may be a little older than one read before it: count what was ever seen.
        var seen = new long[readings.Count];
        for (var i = 0; i < readings.Count; i++)
        {
            seen[i] = Math.Max(readings[i].Visible, i > 0 ? seen[i - 1] : long.MinValue);
        }

        var latencies = new List<TimeSpan>(acceptedAt.Count);
        var reading = 0;
        for (var k = 0; k < acceptedAt.Count; k++)
        {
            // Both conditions only get stricter as k grows, so the reading never moves back.
            while (reading < readings.Count && (readings[reading].At < acceptedAt[k] || seen[reading] < k + 1))
            {
                reading++;
            }

            if (reading == readings.Count)
            {
                break;
            }

            latencies.Add(readings[reading].At - acceptedAt[k]);
        }

        return latencies;
    }
}
