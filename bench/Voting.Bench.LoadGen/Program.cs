using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;

// Usage: LoadGen URL TOKENS_FILE RATE SECONDS [CONNECTIONS] [WARMUP_SECONDS]
// Sends RATE requests/s on a fixed schedule for SECONDS (bounded), each with the next token, and
// measures latency from the scheduled send time (so queueing delay counts: no coordinated omission).
// The first WARMUP_SECONDS (default 3) run the same schedule unmeasured, so the figures are the
// steady state, not this generator's own JIT and connection set-up. Also reports how late the
// generator itself started each request (send_lag): on a shared box its own stalls are part of the
// latency above, and this says how much. Prints one JSON line.
if (args.Length < 4)
{
    Console.Error.WriteLine("usage: LoadGen URL TOKENS_FILE RATE SECONDS [CONNECTIONS] [WARMUP_SECONDS]");
    return 2;
}

var target = new Uri(args[0]);
if (!target.IsLoopback)
{
    Console.Error.WriteLine("LoadGen: only loopback targets are allowed");
    return 2;
}

var tokens = File.ReadAllLines(args[1]);
var rate = double.Parse(args[2], CultureInfo.InvariantCulture);
var seconds = Math.Min(120, double.Parse(args[3], CultureInfo.InvariantCulture));
var connections = args.Length > 4 ? int.Parse(args[4], CultureInfo.InvariantCulture) : 256;
var warmupSeconds = args.Length > 5 ? Math.Min(30, double.Parse(args[5], CultureInfo.InvariantCulture)) : 3;
using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = connections }) { Timeout = TimeSpan.FromSeconds(10) };
var warmup = (int)(rate * warmupSeconds);
var total = (int)(rate * seconds);
if (warmup + total > tokens.Length)
{
    Console.Error.WriteLine($"LoadGen: {warmup + total} requests need as many distinct voters; {args[1]} has {tokens.Length} tokens");
    return 2;
}

await RunAsync(warmup, 0, new double[warmup], new double[warmup], new int[warmup]);
var latencies = new double[total];
var sendLags = new double[total];
var statuses = new int[total];
var elapsed = await RunAsync(total, warmup, latencies, sendLags, statuses);
Array.Sort(latencies);
Array.Sort(sendLags);
static double Percentile(double[] sorted, double p) => sorted[Math.Min(sorted.Length - 1, (int)(p / 100 * sorted.Length))];
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $$"""JSON {"requests":{{total}},"seconds":{{elapsed:F3}},"accepted":{{statuses.Count(s => s == 202)}},"failed":{{statuses.Count(s => s is 0 or >= 500)}},"p50_ms":{{Percentile(latencies, 50):F3}},"p99_ms":{{Percentile(latencies, 99):F3}},"send_lag_p99_ms":{{Percentile(sendLags, 99):F3}}}"""));
return 0;

// Sends count requests on the schedule, voters from tokens[first..]; returns the seconds it took.
async Task<double> RunAsync(int count, int first, double[] latencies, double[] sendLags, int[] statuses)
{
    var clock = Stopwatch.StartNew();
    var tasks = new List<Task>(count);
    for (var i = 0; i < count; i++)
    {
        var due = TimeSpan.FromSeconds(i / rate);
        var wait = due - clock.Elapsed;
        if (wait > TimeSpan.FromMilliseconds(1))
        {
            await Task.Delay(wait);
        }

        var index = i;
        tasks.Add(Task.Run(async () =>
        {
            sendLags[index] = (clock.Elapsed - due).TotalMilliseconds;
            using var request = new HttpRequestMessage(HttpMethod.Post, target)
            {
                Content = new StringContent("""{"candidate":"harper"}""", Encoding.UTF8, "application/json"),
            };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", tokens[first + index]);
            try
            {
                using var response = await http.SendAsync(request);
                statuses[index] = (int)response.StatusCode;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                statuses[index] = 0;
            }

            latencies[index] = (clock.Elapsed - due).TotalMilliseconds;
        }));
    }

    await Task.WhenAll(tasks);
    return clock.Elapsed.TotalSeconds;
}
