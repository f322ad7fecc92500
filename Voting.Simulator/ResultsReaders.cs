using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;

namespace Voting.Simulator;

/// <summary>
/// People refreshing the results while the election runs: each reader polls the national results
/// at an interval. Every reading (run time, ballots counted beyond the first reading) is kept, for
/// the progress line (how far the results trail the accepted votes) and the vote → visible latency.
/// </summary>
public sealed class ResultsReaders(Uri results, string electionId, int readers, TimeSpan interval, Stopwatch clock)
{
    private readonly ConcurrentQueue<(TimeSpan At, long Visible)> readings = new();
    private long reads;
    private long failures;
    private long baseline = -1;
    private long latestVisible;

    public long Reads => Interlocked.Read(ref reads);

    public long Failures => Interlocked.Read(ref failures);

    /// <summary>Ballots counted beyond the first reading, as last read.</summary>
    public long Visible => Interlocked.Read(ref latestVisible);

    /// <summary>All readings in time order.</summary>
    public IReadOnlyList<(TimeSpan At, long Visible)> Readings => [.. readings.OrderBy(r => r.At)];

    /// <summary>Takes the baseline (ballots already counted) so the run's own votes can be told apart.</summary>
    public async Task StartAsync(HttpClient http, CancellationToken cancellationToken)
    {
        baseline = await ReadTotalAsync(http, cancellationToken)
            ?? throw new HttpRequestException($"the results at {results} can't be read; start Voting.Results or pass --readers 0");
    }

    /// <summary>Polls until cancelled.</summary>
    public Task RunAsync(HttpClient http, CancellationToken cancellationToken) =>
        Task.WhenAll(Enumerable.Range(0, readers).Select(async _ =>
        {
            try
            {
                while (!cancellationToken.IsCancellationRequested)
                {
                    if (await ReadTotalAsync(http, cancellationToken) is { } counted)
                    {
                        var visible = counted - baseline;
                        readings.Enqueue((clock.Elapsed, visible));
                        InterlockedMax(ref latestVisible, visible);
                    }

                    await Task.Delay(interval, cancellationToken);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // the run is over
            }
        }));

    private async Task<long?> ReadTotalAsync(HttpClient http, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await http.GetAsync(new Uri(results, $"/api/v1/results?election={Uri.EscapeDataString(electionId)}"), cancellationToken);
            Interlocked.Increment(ref reads);
            if (!response.IsSuccessStatusCode)
            {
                Interlocked.Increment(ref failures);
                return null;
            }

            using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
            return document.RootElement.GetProperty("results").GetProperty("totalBallots").GetInt64();
        }
        catch (Exception e) when (e is HttpRequestException or JsonException or KeyNotFoundException or InvalidOperationException or FormatException || (e is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            Interlocked.Increment(ref failures);
            return null;
        }
    }

    private static void InterlockedMax(ref long target, long value)
    {
        long current;
        while (value > (current = Interlocked.Read(ref target)) && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}
