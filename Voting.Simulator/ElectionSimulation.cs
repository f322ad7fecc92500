using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using Voting.Core.Elections;
using Voting.Infrastructure.Identity;

namespace Voting.Simulator;

/// <summary>
/// Casts the votes of a simulated electorate through the public API: states by population, a
/// steady turnout then a closing spike at three times the rate, a share of voters trying twice and
/// a share of malformed ballots. Loopback only; stops by itself.
/// </summary>
public sealed class ElectionSimulation(SimulationSettings settings, ElectionDefinition election, VoterTokenIssuer tokens, TextWriter progress)
{
    private const double SpikeShare = 0.15;
    private const double SpikeFactor = 3.0;

    public async Task<SimulationTally> RunAsync(CancellationToken cancellationToken)
    {
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = settings.Concurrency, PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
        {
            BaseAddress = settings.Ingest,
            Timeout = TimeSpan.FromSeconds(30),
        };
        var tally = new SimulationTally();
        var electorate = new Electorate(election, new Random(settings.RunId.GetHashCode(StringComparison.Ordinal)));
        var random = new Random(settings.RunId.Length);
        using var gate = new SemaphoreSlim(settings.Concurrency);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(settings.MaxSeconds));
        var clock = Stopwatch.StartNew();
        using var reporter = StartReporter(tally, clock, deadline.Token);

        var inFlight = new List<Task>();
        var due = TimeSpan.Zero;
        try
        {
            for (var i = 0; i < settings.Voters && !deadline.IsCancellationRequested; i++)
            {
                var spike = i >= settings.Voters * (1 - SpikeShare);
                due += TimeSpan.FromSeconds(1 / (settings.VotesPerSecond * (spike ? SpikeFactor : 1)));
                var wait = due - clock.Elapsed;
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, deadline.Token);
                }

                var voter = $"sim-{settings.RunId}-{i.ToString(CultureInfo.InvariantCulture)}";
                var state = electorate.DrawState();
                var body = random.NextDouble() < settings.MalformedShare
                    ? MalformedBody(random)
                    : $$"""{"candidate":"{{electorate.DrawCandidate(state)}}"}""";
                var attempts = random.NextDouble() < settings.DuplicateShare ? 2 : 1;
                var token = tokens.Issue(voter, state, settings.ElectionId);
                await gate.WaitAsync(deadline.Token);
                inFlight.Add(CastAsync(http, token, body, attempts, electorate, state, tally, gate, deadline.Token));
                inFlight.RemoveAll(t => t.IsCompleted);
            }
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            await progress.WriteLineAsync($"time limit of {settings.MaxSeconds} s reached; stopping");
        }

        await Task.WhenAll(inFlight);
        await deadline.CancelAsync();
        Report(tally, clock.Elapsed);
        return tally;
    }

    private static async Task CastAsync(
        HttpClient http, string token, string body, int attempts, Electorate electorate, string state,
        SimulationTally tally, SemaphoreSlim gate, CancellationToken cancellationToken)
    {
        try
        {
            for (var attempt = 0; attempt < attempts; attempt++)
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/vote")
                {
                    Content = new StringContent(attempt == 0 ? body : $$"""{"candidate":"{{electorate.DrawCandidate(state)}}"}""", Encoding.UTF8, "application/json"),
                };
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
                try
                {
                    using var response = await http.SendAsync(request, cancellationToken);
                    tally.Record(response.StatusCode);
                }
                catch (HttpRequestException)
                {
                    tally.Record(null);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // stopping: an unsent attempt is not a failure
        }
        finally
        {
            gate.Release();
        }
    }

    private static string MalformedBody(Random random) => random.Next(4) switch
    {
        0 => """{"candidate":""",
        1 => """{"candidate":42}""",
        2 => """{"candidate":"nobody-on-this-ballot"}""",
        _ => """{"vote":"harper"}""",
    };

    private IDisposable StartReporter(SimulationTally tally, Stopwatch clock, CancellationToken cancellationToken)
    {
        var timer = new Timer(_ =>
        {
            if (!cancellationToken.IsCancellationRequested)
            {
                Report(tally, clock.Elapsed);
            }
        }, null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
        return timer;
    }

    private void Report(SimulationTally tally, TimeSpan elapsed) =>
        progress.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"[{elapsed.TotalSeconds,5:F0}s] {tally.Total / Math.Max(elapsed.TotalSeconds, 0.001),7:F0} req/s | accepted {tally.Accepted} | duplicates refused {tally.Duplicates} | invalid refused {tally.Refused} | throttled {tally.Throttled} | failed {tally.Failed}"));
}
