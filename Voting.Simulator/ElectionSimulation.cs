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
/// a share of malformed ballots, while result readers poll the results and a sample of receipts is
/// followed until anchored. Loopback only; stops by itself.
/// </summary>
public sealed class ElectionSimulation(SimulationSettings settings, ElectionDefinition election, VoterTokenIssuer tokens, TextWriter progress)
{
    private const double SpikeShare = 0.15;
    private const double SpikeFactor = 3.0;

    public SimulationSummary? Summary { get; private set; }

    public async Task<SimulationTally> RunAsync(CancellationToken cancellationToken)
    {
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = settings.Concurrency, PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
        {
            BaseAddress = settings.Ingest,
            Timeout = settings.RequestTimeoutOrDefault,
        };
        var tally = new SimulationTally();
        var electorate = new Electorate(election, new Random(settings.RunId.GetHashCode(StringComparison.Ordinal)));
        var random = new Random(settings.RunId.Length);
        using var gate = new SemaphoreSlim(settings.Concurrency);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(settings.MaxSeconds));
        var clock = Stopwatch.StartNew();
        var readers = new ResultsReaders(settings.Results, settings.ElectionId, settings.Readers, settings.ReadInterval, clock);
        var probes = new ReceiptProbes(settings.Results, settings.ProbeEvery, clock);
        using var watching = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var watchers = new List<Task>();
        await EnsureIngestAnswersAsync(http, cancellationToken);
        if (settings.Readers > 0)
        {
            await readers.StartAsync(http, cancellationToken);
            watchers.Add(readers.RunAsync(http, watching.Token));
        }

        if (settings.ProbeEvery > TimeSpan.Zero)
        {
            watchers.Add(probes.RunAsync(http, watching.Token));
        }

        using var reporter = StartReporter(tally, readers, clock, deadline.Token);

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
                var malformed = random.NextDouble() < settings.MalformedShare;
                var body = malformed ? MalformedBody(random) : CandidateBody(electorate.DrawCandidate(state));
                // Drawn here, on the loop's one thread: the draws share one Random, which is not thread-safe.
                var secondBody = random.NextDouble() < settings.DuplicateShare ? CandidateBody(electorate.DrawCandidate(state)) : null;
                var token = tokens.Issue(voter, state, settings.ElectionId);
                await gate.WaitAsync(deadline.Token);
                _ = CastAsync(http, token, body, malformed ? BallotKind.Malformed : BallotKind.Valid, secondBody, tally, probes, clock, gate, deadline.Token);
            }
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            // The time limit, or Ctrl-C: either way the run's figures so far are still reported.
            await progress.WriteLineAsync(cancellationToken.IsCancellationRequested
                ? "interrupted; stopping (the figures below count what was answered until now)"
                : $"time limit of {settings.MaxSeconds} s reached; stopping");
        }

        // Every vote sent has its answer (or has failed) once all the gate's permits are back.
        for (var permit = 0; permit < settings.Concurrency; permit++)
        {
            await gate.WaitAsync(CancellationToken.None);
        }

        var casting = clock.Elapsed;
        await deadline.CancelAsync();
        Report(tally, readers, clock.Elapsed);
        if (!cancellationToken.IsCancellationRequested)
        {
            await SettleAsync(tally, readers, probes, cancellationToken);
        }
        await watching.CancelAsync();
        await Task.WhenAll(watchers);
        Summary = Summarize(tally, readers, probes, casting, clock.Elapsed);
        return tally;
    }

    /// <summary>
    /// Ingest must answer before the run starts: otherwise every vote of the run fails the same way, one
    /// progress line after another, until the run's end.
    /// </summary>
    private async Task EnsureIngestAnswersAsync(HttpClient http, CancellationToken cancellationToken)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(10));
            using var live = await http.GetAsync(new Uri("health/live", UriKind.Relative), timeout.Token);
            if (live.IsSuccessStatusCode)
            {
                return;
            }

            throw new HttpRequestException($"ingest at {settings.Ingest} answers {(int)live.StatusCode} to /health/live; is Voting.Ingest at --ingest?", null, live.StatusCode);
        }
        catch (HttpRequestException e) when (e.StatusCode is null)
        {
            throw new HttpRequestException($"ingest at {settings.Ingest} can't be reached ({e.Message.TrimEnd('.')}); start Voting.Ingest or pass its address with --ingest", e);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new HttpRequestException($"ingest at {settings.Ingest} did not answer /health/live in time; is Voting.Ingest at --ingest, and running?", e);
        }
    }

    /// <summary>Watches the last votes through: visible in the results, followed receipts anchored, or the settle time is up.</summary>
    private async Task SettleAsync(SimulationTally tally, ResultsReaders readers, ReceiptProbes probes, CancellationToken cancellationToken)
    {
        var until = DateTime.UtcNow.AddSeconds(settings.SettleSeconds);
        try
        {
            while (DateTime.UtcNow < until && ((settings.Readers > 0 && readers.Visible < tally.Accepted) || probes.Pending > 0))
            {
                await progress.WriteLineAsync(SettlingLine(settings.Readers > 0 ? tally.Accepted - readers.Visible : null, probes.Pending));
                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Ctrl-C while settling: the run's figures are still reported, with what was seen until now.
            await progress.WriteLineAsync("interrupted while settling; stopping (the figures below count what was seen until now)");
        }
    }

    /// <summary>What settling still waits for: votes not yet in the results (null when no one reads them) and followed receipts not yet anchored.</summary>
    internal static string SettlingLine(long? notVisible, int receiptsPending)
    {
        var waiting = new List<string>(2);
        if (notVisible is { } votes)
        {
            waiting.Add(string.Create(CultureInfo.InvariantCulture, $"{votes} accepted votes not yet in the results"));
        }

        if (receiptsPending > 0)
        {
            waiting.Add(string.Create(CultureInfo.InvariantCulture, $"{receiptsPending} followed receipts not yet anchored"));
        }

        return "settling: " + string.Join(", ", waiting);
    }

    private SimulationSummary Summarize(SimulationTally tally, ResultsReaders readers, ReceiptProbes probes, TimeSpan casting, TimeSpan total)
    {
        // Votes and receipts never seen count as slower than every one seen (LatencyDistribution).
        var watched = settings.Readers > 0 ? tally.Accepted : 0;
        var visible = new LatencyDistribution(settings.Readers > 0 ? VisibilityLatency.Compute(tally.AcceptedAt, readers.Readings) : [], watched);
        var anchored = new LatencyDistribution(probes.Anchored, probes.Anchored.Count + probes.Pending);
        return new SimulationSummary(
            tally.Accepted, tally.Duplicates + tally.Refused + tally.Throttled, tally.Failed, casting.TotalSeconds,
            tally.Accepted / Math.Max(casting.TotalSeconds, 0.001), readers.Reads / Math.Max(total.TotalSeconds, 0.001), readers.Visible,
            visible.Percentile(50)?.TotalMilliseconds, visible.Percentile(99)?.TotalMilliseconds,
            anchored.Count, anchored.Percentile(50)?.TotalMilliseconds, anchored.Percentile(99)?.TotalMilliseconds,
            visible.Count, watched, anchored.Population);
    }

    /// <summary>
    /// Casts a voter's ballot (<paramref name="kind"/> says which answers are right for it), then the
    /// deliberate second ballot if there is one, each counted by what its answer means for that voter.
    /// The ballot is sent again with its <c>Idempotency-Key</c>, as a careful client does, when no answer
    /// came (a transport error, a timeout) or 503 did, at most <see cref="Tries"/> times in all: the last
    /// answer is the one counted, and a 409 <c>already-voted</c> to a repeat means an earlier try was recorded.
    /// </summary>
    private static async Task CastAsync(
        HttpClient http, string token, string body, BallotKind kind, string? secondBody,
        SimulationTally tally, ReceiptProbes probes, Stopwatch clock, SemaphoreSlim gate, CancellationToken cancellationToken)
    {
        try
        {
            var idempotencyKey = Guid.NewGuid().ToString("N"); // the voter's real ballot; the second is a deliberate second ballot
            var firstAccepted = await SendAsync(http, token, body, idempotencyKey, kind, tally, probes, clock, cancellationToken);
            if (secondBody is not null)
            {
                await SendAsync(http, token, secondBody, null, firstAccepted ? BallotKind.SecondAfterAccepted : BallotKind.Second, tally, probes, clock, cancellationToken);
            }
        }
        catch (OperationCanceledException)
        {
            // stopping: an unsent attempt is not a failure (one whose earlier try may be recorded was counted as one)
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            tally.Record(null, kind); // nothing unforeseen goes uncounted: the voter's outcome is unknown
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>How many times a ballot is sent at most, with its key, while no answer or 503 comes back.</summary>
    internal const int Tries = 3;

    /// <summary>One ballot, sent again with its key (when it has one) while that is what a client should do; true when it is recorded.</summary>
    private static async Task<bool> SendAsync(
        HttpClient http, string token, string body, string? idempotencyKey, BallotKind kind,
        SimulationTally tally, ReceiptProbes probes, Stopwatch clock, CancellationToken cancellationToken)
    {
        // Set once a try may have been recorded without the simulator knowing: no answer came, or 503
        // vote-not-confirmed. Only then does a later 409 already-voted mean this voter's vote is stored.
        var mayBeRecorded = false;
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/vote") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
                if (idempotencyKey is not null)
                {
                    request.Headers.Add("Idempotency-Key", idempotencyKey);
                }

                var repeatable = idempotencyKey is not null && attempt < Tries;
                System.Net.HttpStatusCode? status;
                string? problem = null;
                try
                {
                    using var response = await http.SendAsync(request, cancellationToken);
                    status = response.StatusCode;
                    if (status == System.Net.HttpStatusCode.Accepted && SimulationTally.AcceptanceIsRight(kind))
                    {
                        var at = clock.Elapsed;
                        if (await StringPropertyAsync(response, "receipt", cancellationToken) is not { } receipt)
                        {
                            tally.Record(null, kind); // a 202 with no receipt: the API's promise broken
                            return false;
                        }

                        tally.RecordAccepted(at);
                        probes.Offer(receipt, at);
                        return true;
                    }

                    if (status is System.Net.HttpStatusCode.Conflict or System.Net.HttpStatusCode.ServiceUnavailable && kind == BallotKind.Valid)
                    {
                        problem = await StringPropertyAsync(response, "type", cancellationToken);
                    }
                }
                catch (HttpRequestException)
                {
                    status = null;
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    // The request's own timeout, not the run stopping: ingest took the request and never answered.
                    status = null;
                }

                switch (status, problem)
                {
                    case (System.Net.HttpStatusCode.Conflict, "urn:voting:problem:already-voted") when mayBeRecorded:
                        tally.RecordAccepted(clock.Elapsed); // an earlier try was recorded; ingest gives no receipt for a 409
                        return true;
                    case (System.Net.HttpStatusCode.Conflict, "urn:voting:problem:vote-in-progress") when repeatable:
                        // Another try of this voter holds its lock (or this one's lock ran out during a slow check).
                        await Task.Delay(TimeSpan.FromMilliseconds(500 * attempt), cancellationToken);
                        continue;
                    case (System.Net.HttpStatusCode.Conflict, "urn:voting:problem:vote-in-progress"):
                        tally.Record(null, kind); // still held after the last try: its outcome is unknown, a failure
                        return false;
                    case (null or System.Net.HttpStatusCode.ServiceUnavailable, _) when repeatable:
                        mayBeRecorded |= status is null || problem == "urn:voting:problem:vote-not-confirmed";
                        await Task.Delay(TimeSpan.FromMilliseconds(200 * attempt), cancellationToken);
                        continue;
                    case (not (null or System.Net.HttpStatusCode.ServiceUnavailable or System.Net.HttpStatusCode.Conflict), _) when mayBeRecorded:
                        tally.Record(null, kind); // an earlier try may be stored, and this answer can't say: a failure, not a refusal
                        return false;
                    default:
                        tally.Record(status, kind);
                        return false;
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested && mayBeRecorded)
        {
            tally.Record(null, kind); // stopped after a try that may be stored: its outcome is unknown
            throw;
        }
    }

    /// <summary>A string property of the answer's JSON body (a 202's receipt, a problem's type); null when it has none.</summary>
    private static async Task<string?> StringPropertyAsync(HttpResponseMessage response, string name, CancellationToken cancellationToken)
    {
        try
        {
            using var answer = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
            return answer.RootElement.TryGetProperty(name, out var value) && value.ValueKind == System.Text.Json.JsonValueKind.String ? value.GetString() : null;
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    private static string CandidateBody(string candidate) => $$"""{"candidate":"{{candidate}}"}""";

    private static string MalformedBody(Random random) => random.Next(4) switch
    {
        0 => """{"candidate":""",
        1 => """{"candidate":42}""",
        2 => """{"candidate":"nobody-on-this-ballot"}""",
        _ => """{"vote":"harper"}""",
    };

    private IDisposable StartReporter(SimulationTally tally, ResultsReaders readers, Stopwatch clock, CancellationToken cancellationToken)
    {
        var timer = new Timer(_ =>
        {
            if (!cancellationToken.IsCancellationRequested)
            {
                Report(tally, readers, clock.Elapsed);
            }
        }, null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
        return timer;
    }

    private void Report(SimulationTally tally, ResultsReaders readers, TimeSpan elapsed) =>
        progress.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"[{elapsed.TotalSeconds,5:F0}s] {tally.Total / Math.Max(elapsed.TotalSeconds, 0.001),7:F0} req/s | accepted {tally.Accepted} | duplicates refused {tally.Duplicates} | invalid refused {tally.Refused} | throttled {tally.Throttled} | failed {tally.Failed}")
            + (settings.Readers > 0
                ? string.Create(CultureInfo.InvariantCulture, $" | results: {readers.Reads / Math.Max(elapsed.TotalSeconds, 0.001):F0} reads/s, lag {Math.Max(0, tally.Accepted - readers.Visible)} votes")
                : ""));
}
