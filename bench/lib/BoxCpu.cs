using System.Globalization;

namespace Voting.Bench;

/// <summary>
/// The box's CPU ticks (/proc/stat), for how full its cores were during a bench phase: busy is
/// everything but idle and I/O wait. Shared by the bench tools as a linked file.
/// </summary>
internal static class BoxCpu
{
    /// <summary>Busy and total jiffies of all CPUs.</summary>
    public static (long Busy, long Total) Ticks()
    {
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1)
            .Select(f => long.Parse(f, CultureInfo.InvariantCulture)).ToArray();
        var total = fields.Take(8).Sum();
        return (total - fields[3] - fields[4], total);
    }

    /// <summary>The share of the ticks between <paramref name="start"/> and <paramref name="end"/> that were busy.</summary>
    public static double BusyShare((long Busy, long Total) start, (long Busy, long Total) end) =>
        end.Total == start.Total ? 0 : (double)(end.Busy - start.Busy) / (end.Total - start.Total);
}
