namespace Voting.Simulator;

/// <summary>
/// Percentiles of a set of latencies (nearest rank), for the run's summary. Of a population larger than
/// the samples (votes never seen before the run ended), the unseen count as slower than any sample: a
/// percentile whose rank falls among them is unknown, not the slowest sample.
/// </summary>
public sealed class LatencyDistribution
{
    private readonly double[] sorted;

    public LatencyDistribution(IEnumerable<TimeSpan> latencies, long? population = null)
    {
        sorted = [.. latencies.Select(l => l.TotalMilliseconds).Order()];
        Population = Math.Max(population ?? sorted.Length, sorted.Length);
    }

    /// <summary>Samples measured.</summary>
    public int Count => sorted.Length;

    /// <summary>What was to be measured: the samples and the ones never seen.</summary>
    public long Population { get; }

    /// <summary>The latency at or below which <paramref name="percent"/>% fall; null without samples, or when that rank was never seen.</summary>
    public TimeSpan? Percentile(double percent)
    {
        if (sorted.Length == 0)
        {
            return null;
        }

        var rank = (long)Math.Ceiling(percent / 100 * Population);
        return rank > sorted.Length ? null : TimeSpan.FromMilliseconds(sorted[Math.Clamp((int)rank - 1, 0, sorted.Length - 1)]);
    }
}
