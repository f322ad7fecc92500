namespace Voting.Bench.Processor;

/// <summary>One measurement of the raw ceiling: its transaction size, whether it ran after the processor, its rate and cost.</summary>
internal sealed record RawRun(int VotesPerTransaction, bool AfterProcessor, double Rate, TimeSpan Time, CpuUse Cpu);
