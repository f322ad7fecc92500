using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Voting.Simulator.Tests;

/// <summary>A results service answering in a shape the readers don't expect costs failed reads, never the run.</summary>
public sealed class ResultsReadersTests
{
    [Theory]
    [InlineData("""{"results":{"totalBallots":"many"}}""")]
    [InlineData("""{"results":{"totalBallots":null}}""")]
    [InlineData("""{"results":{"totalBallots":1e400}}""")]
    [InlineData("""["results"]""")]
    public async Task An_answer_of_the_wrong_shape_is_a_failed_read_not_a_crash(string body)
    {
        using var service = new OneAnswerService(body);
        var readers = new ResultsReaders(service.Url, "us-2028-sim", readers: 1, TimeSpan.FromMilliseconds(20), Stopwatch.StartNew());
        using var http = new HttpClient();
        using var run = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        // A few reads, however slowly a loaded box gets to them; then the run ends.
        var running = readers.RunAsync(http, run.Token);
        while (readers.Reads < 3 && !running.IsCompleted)
        {
            await Task.Delay(20);
        }

        await run.CancelAsync();
        await running;

        Assert.True(readers.Reads >= 3, "the results were read");
        Assert.Equal(readers.Reads, readers.Failures);
        Assert.Empty(readers.Readings);
    }

    [Fact]
    public async Task A_receipt_status_of_the_wrong_shape_leaves_the_receipt_pending_not_the_run_crashed()
    {
        using var service = new OneAnswerService("""{"status":42}""");
        var probes = new ReceiptProbes(service.Url, TimeSpan.FromSeconds(1), Stopwatch.StartNew());
        probes.Offer(new string('a', 64), TimeSpan.Zero);
        using var http = new HttpClient();
        using var run = new CancellationTokenSource(TimeSpan.FromSeconds(2));

        await probes.RunAsync(http, run.Token);

        Assert.Equal(1, probes.Pending);
        Assert.Empty(probes.Anchored);
    }

    /// <summary>A loopback HTTP server answering every request 200 with one body.</summary>
    private sealed class OneAnswerService : IDisposable
    {
        private readonly HttpListener listener = new();

        public OneAnswerService(string body)
        {
            var port = FreePort();
            Url = new Uri($"http://127.0.0.1:{port}/");
            listener.Prefixes.Add(Url.ToString());
            listener.Start();
            _ = Task.Run(async () =>
            {
                var bytes = Encoding.UTF8.GetBytes(body);
                while (listener.IsListening)
                {
                    try
                    {
                        var context = await listener.GetContextAsync();
                        context.Response.ContentType = "application/json";
                        await context.Response.OutputStream.WriteAsync(bytes);
                        context.Response.Close();
                    }
                    catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
                    {
                        return;
                    }
                }
            });
        }

        public Uri Url { get; }

        public void Dispose() => listener.Close();

        private static int FreePort()
        {
            using var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            return ((IPEndPoint)probe.LocalEndpoint).Port;
        }
    }
}
