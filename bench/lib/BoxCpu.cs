namespace Voting.Bench.Gate;

/// <summary>The box's busy and total CPU ticks (from /proc/stat): how full both cores were during a phase.</summary>
internal static class BoxCpu
{
    public static (long Busy, long Total) Ticks()
    {
        var cpu = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(long.Parse).ToArray();
        var idle = cpu[3] + cpu[4]; // idle + iowait
        var total = cpu.Take(8).Sum();
        return (total - idle, total);
    }
}
