using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Voting.Faults.Tests;

/// <summary>
/// Voters casting through the ingest instances as real clients do: each voter keeps trying (another
/// instance, after a pause) until the service gives a definite answer — 202 with a receipt, or 409 —
/// or the load is stopped. What each voter was told is kept for the ledger.
/// </summary>
public sealed class VoteLoad(FaultPipeline pipeline, string prefix, int voters)
{
    private static readonly TimeSpan RetryPause = TimeSpan.FromMilliseconds(200);
    private readonly ConcurrentDictionary<string, string> accepted = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> refused = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> unanswered = new(StringComparer.Ordinal);
    private int next = -1;
    private volatile bool finishing;
    private long attempts;
    private long unavailable;
    private long connectionFailures;

    /// <summary>Voter → receipt of every 202.</summary>
    public IReadOnlyDictionary<string, string> Accepted => accepted;

    /// <summary>Voters told 409 (their ballot was already recorded by an earlier attempt that got no answer).</summary>
    public IReadOnlyCollection<string> Refused => refused.Keys.ToList();

    /// <summary>Voters given no definite answer before the load stopped.</summary>
    public IReadOnlyCollection<string> Unanswered => unanswered.Keys.ToList();

    public long Attempts => Interlocked.Read(ref attempts);

    public long Unavailable => Interlocked.Read(ref unavailable);

    public long ConnectionFailures => Interlocked.Read(ref connectionFailures);

    public int Answered => accepted.Count + refused.Count;

    /// <summary>Pause of each client between two voters (paces the load so it spans a fault).</summary>
    public TimeSpan PauseBetweenVoters { get; init; } = TimeSpan.Zero;

    /// <summary>No new voter starts; those under way keep trying until answered.</summary>
    public void Finish() => finishing = true;

    public string Describe() =>
        $"{Math.Min(voters, next + 1)} voters: {accepted.Count} accepted, {refused.Count} told already voted, {unanswered.Count} unanswered; {Attempts} attempts, {Unavailable} × 503, {ConnectionFailures} connection failures";

    /// <summary>Runs <paramref name="workers"/> concurrent clients until every voter has an answer or <paramref name="stop"/> fires.</summary>
    public async Task RunAsync(int workers, CancellationToken stop)
    {
        using var handler = new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromSeconds(5), ConnectTimeout = TimeSpan.FromSeconds(2) };
        using var client = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(30) };
        await Task.WhenAll(Enumerable.Range(0, workers).Select(_ => Task.Run(() => WorkAsync(client, stop), CancellationToken.None)));
    }

    private async Task WorkAsync(HttpClient client, CancellationToken stop)
    {
        int index;
        while (!finishing && (index = Interlocked.Increment(ref next)) < voters)
        {
            if (PauseBetweenVoters > TimeSpan.Zero)
            {
                await Task.Delay(PauseBetweenVoters, CancellationToken.None);
            }

            var voter = $"{prefix}-{index}";
            var state = FaultPipeline.States[index % FaultPipeline.States.Length];
            var candidate = FaultPipeline.Candidates[index % FaultPipeline.Candidates.Length];
            if (!await CastUntilAnsweredAsync(client, voter, state, candidate, index, stop))
            {
                unanswered.TryAdd(voter, 0);
            }
        }
    }

    private async Task<bool> CastUntilAnsweredAsync(HttpClient client, string voter, string state, string candidate, int index, CancellationToken stop)
    {
        var token = pipeline.TokenFor(voter, state);
        var idempotencyKey = Guid.NewGuid().ToString(); // the same for every retry of this voter's ballot
        for (var attempt = 0; !stop.IsCancellationRequested; attempt++)
        {
            var instances = pipeline.IngestAddresses;
            var target = instances[(index + attempt) % instances.Count];
            Interlocked.Increment(ref attempts);
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(target, "/api/v1/vote"))
                {
                    Content = new StringContent($$"""{"candidate":"{{candidate}}"}""", Encoding.UTF8, "application/json"),
                };
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
                request.Headers.Add("Idempotency-Key", idempotencyKey);
                using var response = await client.SendAsync(request, CancellationToken.None);
                switch (response.StatusCode)
                {
                    case HttpStatusCode.Accepted:
                        using (var receipt = JsonDocument.Parse(await response.Content.ReadAsStringAsync(CancellationToken.None)))
                        {
                            Assert.True(accepted.TryAdd(voter, receipt.RootElement.GetProperty("receipt").GetString()!), $"{voter} was accepted twice");
                        }

                        return true;
                    case HttpStatusCode.Conflict:
                        var problem = await response.Content.ReadAsStringAsync(CancellationToken.None);
                        if (problem.Contains("vote-in-progress", StringComparison.Ordinal))
                        {
                            break; // an earlier attempt of this voter is still being recorded: ask again
                        }

                        refused.TryAdd(voter, 0);
                        return true;
                    case HttpStatusCode.ServiceUnavailable:
                        Interlocked.Increment(ref unavailable);
                        break;
                    default:
                        Assert.Fail($"{voter}: unexpected {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(CancellationToken.None)}");
                        break;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
            {
                Interlocked.Increment(ref connectionFailures); // the instance died or is unreachable: no answer, try again
            }

            try
            {
                await Task.Delay(RetryPause, stop);
            }
            catch (OperationCanceledException)
            {
                return false;
            }
        }

        return false;
    }
}
