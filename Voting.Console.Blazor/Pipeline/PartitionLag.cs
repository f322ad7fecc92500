namespace Voting.Console.Blazor.Pipeline;

/// <summary>One consumer group's position on one partition of the votes topic.</summary>
/// <param name="Group">Consumer group.</param>
/// <param name="Partition">Partition of the votes topic.</param>
/// <param name="Committed">The group's committed offset, or null when it has committed none.</param>
/// <param name="End">The partition's end (high watermark).</param>
/// <param name="Lag">Messages not yet processed by the group.</param>
/// <param name="Level">Lag against the thresholds.</param>
public sealed record PartitionLag(string Group, int Partition, long? Committed, long End, long Lag, LagLevel Level);
