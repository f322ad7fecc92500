namespace Voting.Bench.Processor;

/// <summary>
/// One measurement of the Merkle log append: how many appenders ran at once, the leaves per second
/// they appended together, and how long one batch's append took.
/// </summary>
internal sealed record LogAppendRun(int Appenders, double Rate, TimeSpan Time, TimeSpan BatchMedian, TimeSpan BatchMax, int Batches, CpuUse Cpu);
