using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Voting.Simulator.Tests;

/// <summary>
/// A stand-in for ingest on a loopback port, for tests about how the simulator handles ingest
/// misbehaving: it answers <c>GET /health/live</c> (which the simulator asks before a run) with 200,
/// and every vote request as the test chooses (503, 202 with a fresh receipt, 409), or not at all.
/// </summary>
public sealed class FakeIngest : IAsyncDisposable
{
    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private readonly ConcurrentBag<TcpClient> clients = [];
    private readonly CancellationTokenSource stop = new();
    private const string NotConfirmed = """{"type":"urn:voting:problem:vote-not-confirmed","status":503,"detail":"no acknowledgement"}""";
    private const string NotRecorded = """{"type":"urn:voting:problem:vote-not-recorded","status":503,"detail":"nothing was stored"}""";
    private const string AlreadyVoted = """{"type":"urn:voting:problem:already-voted","status":409,"detail":"already recorded"}""";

    private readonly Func<int, (string Status, string Body)>? voteAnswer;
    private int votes;
    private readonly Task accepting;

    private FakeIngest(Func<int, (string Status, string Body)>? voteAnswer)
    {
        this.voteAnswer = voteAnswer;
        listener.Start();
        Address = new Uri($"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}/");
        accepting = AcceptAsync();
    }

    public Uri Address { get; }

    /// <summary>Takes vote requests and never answers them (hung, or overloaded past its queue).</summary>
    public static FakeIngest Hanging() => new(voteAnswer: null);

    /// <summary>Answers every vote request with 503.</summary>
    public static FakeIngest Refusing() => new(voteAnswer: _ => ("503 Service Unavailable", NotRecorded));

    /// <summary>Answers every vote request with 202 and a fresh receipt: second ballots and malformed ones too.</summary>
    public static FakeIngest AcceptingEverything() =>
        new(voteAnswer: _ => ("202 Accepted", $$"""{"receipt":"{{Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32))}}"}"""));

    /// <summary>
    /// Answers the first vote request 503 <c>vote-not-confirmed</c> (the vote reached Kafka, the
    /// acknowledgement did not come back) and every later one 409 <c>already-voted</c>: one voter's
    /// vote recorded, its answer lost.
    /// </summary>
    public static FakeIngest RecordingFirstVoteUnconfirmed() =>
        new(voteAnswer: n => n == 1 ? ("503 Service Unavailable", NotConfirmed) : ("409 Conflict", AlreadyVoted));

    /// <summary>
    /// Answers the first vote request 503 <c>vote-not-recorded</c> (nothing was stored) and every later
    /// one 409 <c>already-voted</c>: an ingest that left its failed attempt behind and now refuses a voter who never voted.
    /// </summary>
    public static FakeIngest RefusingFirstVoteThenClaimingIt() =>
        new(voteAnswer: n => n == 1 ? ("503 Service Unavailable", NotRecorded) : ("409 Conflict", AlreadyVoted));

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        listener.Stop();
        foreach (var client in clients)
        {
            client.Dispose();
        }

        await Assert.ThrowsAnyAsync<Exception>(() => accepting);
        stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!stop.IsCancellationRequested)
        {
            var client = await listener.AcceptTcpClientAsync(stop.Token);
            clients.Add(client);
            _ = AnswerAsync(client);
        }
    }

    private async Task AnswerAsync(TcpClient client)
    {
        try
        {
            var stream = client.GetStream();
            var buffer = new byte[8192];
            var read = await stream.ReadAsync(buffer, stop.Token);
            var live = Encoding.ASCII.GetString(buffer, 0, read).StartsWith("GET /health/live ", StringComparison.Ordinal);
            if (live || voteAnswer is not null)
            {
                var (status, body) = live ? ("200 OK", "") : voteAnswer!(Interlocked.Increment(ref votes));
                await stream.WriteAsync(
                    Encoding.ASCII.GetBytes($"HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n{body}"), stop.Token);
                client.Close();
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or OperationCanceledException)
        {
            // the simulator or the test went away
        }
    }
}
