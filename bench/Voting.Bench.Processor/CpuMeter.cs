using System.Diagnostics;

namespace Voting.Bench.Processor;

/// <summary>
/// CPU time used during a bench phase, by the processes that share this box (from /proc): what
/// each side of the comparison costs per vote, and how busy the box was. A phase that leaves the
/// box idle is waiting on something; one that fills it is bound by the work per vote.
/// </summary>
internal sealed class CpuMeter
{
    private readonly Dictionary<string, TimeSpan> start;
    private readonly (long Busy, long Total) boxStart;
    private readonly Func<Process?> worker;

    private CpuMeter(string workerName, Func<Process?> worker)
    {
        WorkerName = workerName;
        this.worker = worker;
        start = Sample();
        boxStart = BoxCpu.Ticks();
    }

    /// <summary>The process doing the writes in this phase (the raw writer or the processor).</summary>
    public string WorkerName { get; }

    /// <summary>Starts measuring; <paramref name="worker"/> is the writing process (null: this one).</summary>
    public static CpuMeter Start(string workerName, Func<Process?>? worker = null) => new(workerName, worker ?? (() => Current));

    private static readonly Process Current = Process.GetCurrentProcess();

    /// <summary>CPU used since the start, per process group, in microseconds per vote, and the box's busy share.</summary>
    public CpuUse Stop(long votes)
    {
        var end = Sample();
        var box = BoxCpu.Ticks();
        var perVote = end.ToDictionary(
            e => e.Key,
            e => (e.Value - start.GetValueOrDefault(e.Key)).TotalMicroseconds / Math.Max(votes, 1),
            StringComparer.Ordinal);
        return new CpuUse(WorkerName, perVote, BoxCpu.BusyShare(boxStart, box));
    }

    private Dictionary<string, TimeSpan> Sample()
    {
        var groups = new Dictionary<string, TimeSpan>(StringComparer.Ordinal);
        foreach (var process in Process.GetProcesses())
        {
            using (process)
            {
                var group = process.ProcessName switch
                {
                    "mariadbd" or "mysqld" => "MariaDB",
                    "java" => "Kafka + ZooKeeper",
                    var name when name.StartsWith("clickhouse", StringComparison.Ordinal) => "ClickHouse",
                    _ => null,
                };
                if (group is not null)
                {
                    groups[group] = groups.GetValueOrDefault(group) + CpuTime(process);
                }
            }
        }

        if (worker() is { HasExited: false } writer)
        {
            groups[WorkerName] = CpuTime(writer);
        }

        return groups;
    }

    private static TimeSpan CpuTime(Process process)
    {
        try
        {
            process.Refresh();
            return process.TotalProcessorTime;
        }
        catch (InvalidOperationException)
        {
            return TimeSpan.Zero; // exited meanwhile
        }
    }

}
