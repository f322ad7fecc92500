namespace Voting.Console.Blazor.Access;

/// <summary>
/// Lets one of many like log lines through per <paramref name="interval"/>: the first, then at most one
/// an interval, whatever the number of threads asking (lines an attacker can cause must not flood the log).
/// </summary>
public sealed class LogSampler(TimeSpan interval)
{
    private long lastTicks = long.MinValue;

    /// <summary>Whether this line is the one to write now.</summary>
    public bool ShouldLog()
    {
        var now = Environment.TickCount64;
        var last = Interlocked.Read(ref lastTicks);
        return (last == long.MinValue || now - last >= (long)interval.TotalMilliseconds)
               && Interlocked.CompareExchange(ref lastTicks, now, last) == last;
    }
}
