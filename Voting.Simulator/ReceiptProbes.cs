using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;

namespace Voting.Simulator;

/// <summary>
/// Follows a sample of receipts (one per interval) through the public receipt API until each is
/// anchored on the chain, to measure vote → anchored. An interval of zero follows none.
/// </summary>
public sealed class ReceiptProbes(Uri results, TimeSpan sampleEvery, Stopwatch clock)
{
    private readonly ConcurrentDictionary<string, TimeSpan> pending = new(StringComparer.Ordinal);
    private readonly ConcurrentBag<TimeSpan> anchored = [];
    private TimeSpan? lastSample;

    public int Pending => pending.Count;

    public IReadOnlyCollection<TimeSpan> Anchored => anchored;

    /// <summary>Offers an accepted vote's receipt; one per interval is followed (none when the interval is zero).</summary>
    public void Offer(string receipt, TimeSpan acceptedAt)
    {
        if (sampleEvery <= TimeSpan.Zero)
        {
            return;
        }

        lock (pending)
        {
            if (lastSample is { } last && acceptedAt - last < sampleEvery)
            {
                return;
            }

            lastSample = acceptedAt;
        }

        pending.TryAdd(receipt, acceptedAt);
    }

    /// <summary>Polls the followed receipts (all at once) until cancelled.</summary>
    public async Task RunAsync(HttpClient http, CancellationToken cancellationToken)
    {
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                await Task.WhenAll(pending.ToArray().Select(async entry =>
                {
                    if (await StatusAsync(http, entry.Key, cancellationToken) == "anchored" && pending.TryRemove(entry.Key, out _))
                    {
                        anchored.Add(clock.Elapsed - entry.Value);
                    }
                }));
                await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // the run is over
        }
    }

    private async Task<string?> StatusAsync(HttpClient http, string receipt, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await http.GetAsync(new Uri(results, $"/api/v1/receipts/{receipt}"), cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                return null;
            }

            using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
            return document.RootElement.GetProperty("status").GetString();
        }
        catch (Exception e) when (e is HttpRequestException or JsonException or KeyNotFoundException or InvalidOperationException or FormatException || (e is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return null;
        }
    }
}
