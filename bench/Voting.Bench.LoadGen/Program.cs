using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Threading.Channels;
using Voting.Bench.LoadGen;

// Usage: LoadGen URL TOKENS_FILE RATE SECONDS [CONNECTIONS] [WARMUP_SECONDS]
// Sends RATE requests/s on a fixed schedule for SECONDS (bounded), each with the next token, and
// measures latency from the scheduled send time (so queueing delay counts: no coordinated omission):
// a request waits for a free connection when all CONNECTIONS (256, opened before the run) are busy.
// The first WARMUP_SECONDS (default 3) run the same schedule unmeasured, so the figures are the
// steady state, not this generator's own JIT. Also reports how late the generator itself started
// each request (send_lag): on a shared box its own stalls are part of the latency above, and this
// says how much, and the generator's own CPU per measured request (cpu_us_per_request). Prints one
// JSON line. LOADGEN_TIMELINE=FILE also writes each measured request's scheduled time and latency
// (ms), after a first line with the wall-clock start, to find when a tail happened.
if (args.Length < 4)
{
    Console.Error.WriteLine("usage: LoadGen URL TOKENS_FILE RATE SECONDS [CONNECTIONS] [WARMUP_SECONDS]");
    return 2;
}

if (!Uri.TryCreate(args[0], UriKind.Absolute, out var target) || !target.IsLoopback || target.Scheme != "http")
{
    Console.Error.WriteLine($"LoadGen: '{args[0]}' is not a plain http loopback URL; only those are allowed");
    return 2;
}

if (!File.Exists(args[1]))
{
    Console.Error.WriteLine($"LoadGen: tokens file {args[1]} does not exist");
    return 2;
}

static double? Number(string text, double min, double max) =>
    double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max ? value : null;

if (Number(args[2], 0.001, 10_000_000) is not { } rate
    || Number(args[3], 0.001, double.MaxValue) is not { } requestedSeconds
    || (args.Length > 4 ? Number(args[4], 1, 100_000) : 256) is not { } connectionsAsked
    || (args.Length > 5 ? Number(args[5], 0, double.MaxValue) : 3) is not { } requestedWarmup)
{
    Console.Error.WriteLine("LoadGen: RATE (0.001–10,000,000), SECONDS (> 0), CONNECTIONS (1–100,000) and WARMUP_SECONDS (≥ 0) are numbers");
    return 2;
}

var tokens = File.ReadAllLines(args[1]);
var seconds = Math.Min(120, requestedSeconds);
var connectionCount = (int)connectionsAsked;
var warmupSeconds = Math.Min(30, requestedWarmup);
var warmup = (int)(rate * warmupSeconds);
var total = (int)(rate * seconds);
if (warmup + total > tokens.Length)
{
    Console.Error.WriteLine($"LoadGen: {warmup + total} requests need as many distinct voters; {args[1]} has {tokens.Length} tokens");
    return 2;
}

// Every request written out before the run: nothing is formatted while it is measured.
const string Body = """{"candidate":"harper"}""";
var requests = tokens.Take(warmup + total).Select(token => Encoding.ASCII.GetBytes(
    $"POST {target.PathAndQuery} HTTP/1.1\r\nHost: {target.Authority}\r\nContent-Type: application/json\r\n" +
    $"Authorization: Bearer {token}\r\nContent-Length: {Body.Length}\r\n\r\n{Body}")).ToArray();
var server = new IPEndPoint(target.HostNameType == UriHostNameType.Dns ? IPAddress.Loopback : IPAddress.Parse(target.DnsSafeHost), target.Port);
var connections = Enumerable.Range(0, connectionCount).Select(_ => new KeepAliveConnection(server)).ToArray();
try
{
    await Task.WhenAll(connections.Select(c => c.ConnectAsync()));
}
catch (System.Net.Sockets.SocketException e)
{
    Console.Error.WriteLine($"LoadGen: cannot connect to {server}: {e.Message}");
    return 1;
}

await RunAsync(warmup, 0, new double[warmup], new double[warmup], new int[warmup]);
var latencies = new double[total];
var sendLags = new double[total];
var statuses = new int[total];
var measuredFrom = DateTimeOffset.UtcNow;
var cpuBefore = Environment.CpuUsage.TotalTime;
var elapsed = await RunAsync(total, warmup, latencies, sendLags, statuses);
var cpuPerRequest = (Environment.CpuUsage.TotalTime - cpuBefore).TotalMicroseconds / total;
if (Environment.GetEnvironmentVariable("LOADGEN_TIMELINE") is { Length: > 0 } timeline)
{
    File.WriteAllLines(timeline, latencies
        .Select((latency, i) => string.Create(CultureInfo.InvariantCulture, $"{i / rate * 1000:F1} {latency:F2}"))
        .Prepend(measuredFrom.ToString("O", CultureInfo.InvariantCulture)));
}

Array.Sort(latencies);
Array.Sort(sendLags);
static double Percentile(double[] sorted, double p) => sorted[Math.Min(sorted.Length - 1, (int)(p / 100 * sorted.Length))];
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $$"""JSON {"requests":{{total}},"seconds":{{elapsed:F3}},"accepted":{{statuses.Count(s => s == 202)}},"failed":{{statuses.Count(s => s is 0 or >= 500)}},"refused":{{statuses.Count(s => s is > 0 and < 500 and not 202)}},"p50_ms":{{Percentile(latencies, 50):F3}},"p99_ms":{{Percentile(latencies, 99):F3}},"send_lag_p99_ms":{{Percentile(sendLags, 99):F3}},"cpu_us_per_request":{{cpuPerRequest:F1}}}"""));
foreach (var connection in connections)
{
    connection.Dispose();
}

return 0;

// Sends count requests on the schedule, requests[first..]; returns the seconds it took. Requests not
// answered within 10 s of the schedule's end count as failed, with the time waited as their latency.
async Task<double> RunAsync(int count, int first, double[] latencies, double[] sendLags, int[] statuses)
{
    var clock = Stopwatch.StartNew();
    var due = Channel.CreateUnbounded<int>(new UnboundedChannelOptions { SingleWriter = true });
    var workers = connections.Select(connection => Task.Run(async () =>
    {
        await foreach (var index in due.Reader.ReadAllAsync())
        {
            var scheduled = index / rate * 1000;
            sendLags[index] = clock.Elapsed.TotalMilliseconds - scheduled;
            try
            {
                statuses[index] = await connection.SendAsync(requests[first + index]);
            }
            catch (Exception e) when (e is System.Net.Sockets.SocketException or IOException or InvalidDataException)
            {
                statuses[index] = 0;
            }

            latencies[index] = clock.Elapsed.TotalMilliseconds - scheduled;
        }
    })).ToArray();

    for (var i = 0; i < count; i++)
    {
        var wait = TimeSpan.FromSeconds(i / rate) - clock.Elapsed;
        if (wait > TimeSpan.FromMilliseconds(1))
        {
            await Task.Delay(wait);
        }

        due.Writer.TryWrite(i);
    }

    due.Writer.Complete();
    var scheduleEnd = clock.Elapsed;
    try
    {
        await Task.WhenAll(workers).WaitAsync(TimeSpan.FromSeconds(10));
    }
    catch (TimeoutException)
    {
        for (var i = 0; i < count; i++)
        {
            if (latencies[i] == 0)
            {
                latencies[i] = clock.Elapsed.TotalMilliseconds - i / rate * 1000;
            }
        }
    }

    return Math.Max(scheduleEnd.TotalSeconds, count / rate);
}
