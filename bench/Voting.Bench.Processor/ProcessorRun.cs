using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Voting.Bench.Processor;

/// <summary>
/// Runs the real Voting.Processor (Release build) as a child process pointed at the bench topic,
/// consumer group and databases, and watches its /metrics until every vote is stored.
/// </summary>
internal sealed partial class ProcessorRun(string processorDll, int port, IReadOnlyList<string> settings) : IAsyncDisposable
{
    private Process? process;
    private readonly HttpClient http = new() { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(5) };

    /// <summary>The processor's process, once started.</summary>
    public Process? Child => process;

    /// <summary>Time from the first stored ballot to the last, and from readiness to the last.</summary>
    public sealed record Drain(TimeSpan FirstToLast, TimeSpan ReadyToLast, long Stored, double PeakRate);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var probe = await http.GetAsync(new Uri("/health/live", UriKind.Relative), cancellationToken);
            throw new InvalidOperationException($"port {port} is already served by another process; stop it or pass --port");
        }
        catch (HttpRequestException)
        {
            // free, as it should be
        }

        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(processorDll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(processorDll);
        start.ArgumentList.Add($"--urls=http://127.0.0.1:{port}");
        start.ArgumentList.Add("--Logging:LogLevel:Default=Warning");
        foreach (var setting in settings)
        {
            start.ArgumentList.Add(setting);
        }

        process = Process.Start(start) ?? throw new InvalidOperationException("could not start the processor");
        // Retries and crashes matter to the figures; start-up chatter does not.
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is { } line && (line.Contains("failed (attempt", StringComparison.Ordinal) || line.StartsWith("crit", StringComparison.Ordinal)))
            {
                Console.WriteLine("processor: " + line.Trim());
            }
        };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { Console.Error.WriteLine("processor: " + e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"the processor exited with {process.ExitCode} before it was ready");
            }

            try
            {
                using var response = await http.GetAsync(new Uri("/health/ready", UriKind.Relative), cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            if (deadline.Elapsed > TimeSpan.FromMinutes(3))
            {
                throw new TimeoutException("the processor was not ready within 3 minutes");
            }

            await Task.Delay(250, cancellationToken);
        }
    }

    public async Task<Drain> WaitUntilStoredAsync(long expected, Action<long, double> progress, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        TimeSpan? first = null;
        long previous = 0;
        var previousAt = TimeSpan.Zero;
        double peak = 0;
        var lastChange = clock.Elapsed;
        while (true)
        {
            // Asked first: a processor that died can't be asked what it stored.
            var exited = process!.HasExited;
            var stored = exited ? previous : await StoredAsync(cancellationToken);
            var now = clock.Elapsed;
            if (stored > 0 && first is null)
            {
                first = now;
            }

            if (stored != previous)
            {
                var rate = (stored - previous) / (now - previousAt).TotalSeconds;
                peak = Math.Max(peak, rate);
                progress(stored, rate);
                previous = stored;
                previousAt = now;
                lastChange = now;
            }

            if (stored >= expected)
            {
                return new Drain(now - first!.Value, now, stored, peak);
            }

            if (exited)
            {
                throw new InvalidOperationException($"the processor exited with {process.ExitCode} after storing {stored:N0} (as last reported)");
            }

            if (now - lastChange > TimeSpan.FromMinutes(2))
            {
                throw new TimeoutException($"the processor stored nothing for 2 minutes ({stored:N0} of {expected:N0})");
            }

            await Task.Delay(200, cancellationToken);
        }
    }

    private async Task<long> StoredAsync(CancellationToken cancellationToken)
    {
        var text = await http.GetStringAsync(new Uri("/metrics", UriKind.Relative), cancellationToken);
        var match = StoredLine().Match(text);
        return match.Success ? (long)double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
    }

    /// <summary>What the processor reports so far, since it started: bytes allocated, time paused in GC, batches written.</summary>
    public sealed record RuntimeFigures(double AllocatedBytes, double GcPauseSeconds, double Gen2Collections, double Batches);

    public async Task<RuntimeFigures> RuntimeFiguresAsync(CancellationToken cancellationToken)
    {
        var text = await http.GetStringAsync(new Uri("/metrics", UriKind.Relative), cancellationToken);
        double Read(Regex line) => line.Match(text) is { Success: true } match
            ? double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture)
            : throw new InvalidOperationException($"the processor's /metrics lacks {line}");
        // No batch written yet: the histogram has no line.
        var batches = BatchCountLine().Match(text) is { Success: true } written
            ? double.Parse(written.Groups[1].Value, CultureInfo.InvariantCulture)
            : 0;
        return new RuntimeFigures(Read(AllocatedLine()), Read(GcPauseLine()), Read(Gen2Line()), batches);
    }

    [GeneratedRegex(@"^dotnet_gc_heap_total_allocated_bytes_total(?:\{[^}]*\})? ([0-9.eE+]+)", RegexOptions.Multiline)]
    private static partial Regex AllocatedLine();

    [GeneratedRegex(@"^dotnet_gc_pause_time_seconds_total(?:\{[^}]*\})? ([0-9.eE+]+)", RegexOptions.Multiline)]
    private static partial Regex GcPauseLine();

    [GeneratedRegex(@"^dotnet_gc_collections_total\{[^}]*gc_heap_generation=""gen2""[^}]*\} ([0-9.eE+]+)", RegexOptions.Multiline)]
    private static partial Regex Gen2Line();

    [GeneratedRegex(@"^voting_processor_batch_duration(?:_seconds)?_count(?:\{[^}]*\})? ([0-9.eE+]+)", RegexOptions.Multiline)]
    private static partial Regex BatchCountLine();

    [GeneratedRegex(@"^voting_processor_ballots_stored_total(?:\{[^}]*\})? ([0-9.eE+]+)", RegexOptions.Multiline)]
    private static partial Regex StoredLine();

    public async ValueTask DisposeAsync()
    {
        if (process is { HasExited: false })
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        process?.Dispose();
        process = null;
        http.Dispose();
    }
}
