namespace Voting.Console.Blazor.Pipeline;

/// <summary>The pipeline at one moment: lag per group and partition, rates, dead letters, and the worst level.</summary>
/// <param name="VotesTopic">The votes topic.</param>
/// <param name="Lags">Every consumer group's lag per partition.</param>
/// <param name="IngestPerSecond">Votes accepted per second (growth of the votes topic).</param>
/// <param name="ProcessedPerSecond">Votes processed per second (growth of the processor group's committed offsets).</param>
/// <param name="DeadLetters">Messages in the dead-letter topic.</param>
/// <param name="Alert">The worst lag level over all groups and partitions.</param>
/// <param name="Thresholds">The thresholds the levels were judged by.</param>
public sealed record PipelineSnapshot(
    string VotesTopic, IReadOnlyList<PartitionLag> Lags, double IngestPerSecond, double ProcessedPerSecond, long DeadLetters, LagLevel Alert, LagThresholds Thresholds)
{
    /// <summary>Total lag of each group.</summary>
    public IEnumerable<(string Group, long Lag, LagLevel Level)> Groups =>
        Lags.GroupBy(l => l.Group).Select(g => (g.Key, g.Sum(l => l.Lag), LagThresholds.Worst(g.Select(l => l.Level))));
}
