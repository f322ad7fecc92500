namespace Voting.Simulator;

/// <summary>Percentiles of a set of latencies (nearest rank), for the run's summary.</summary>
public sealed class LatencyDistribution
{
    private readonly double[] sorted;

    public LatencyDistribution(IEnumerable<TimeSpan> latencies) => sorted = [.. latencies.Select(l => l.TotalMilliseconds).Order()];

    public int Count => sorted.Length;

    /// <summary>The latency at or below which <paramref name="percent"/>% fall; null without samples.</summary>
    public TimeSpan? Percentile(double percent)
    {
        if (sorted.Length == 0)
        {
            return null;
        }

        var rank = (int)Math.Ceiling(percent / 100 * sorted.Length);
        return TimeSpan.FromMilliseconds(sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)]);
    }
}
