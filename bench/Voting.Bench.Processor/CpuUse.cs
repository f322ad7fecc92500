namespace Voting.Bench.Processor;

/// <summary>
/// What a bench phase cost in CPU: microseconds per vote for each process group that shares the
/// box, and the share of the box's two cores that was busy (anything but idle and I/O wait).
/// </summary>
internal sealed record CpuUse(string WorkerName, IReadOnlyDictionary<string, double> MicrosecondsPerVote, double BoxBusy)
{
    public double Of(string group) => MicrosecondsPerVote.GetValueOrDefault(group);
}
