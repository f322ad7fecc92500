using System.Net;
using System.Net.Sockets;
using Voting.Core.Elections;
using Voting.Infrastructure.Identity;

namespace Voting.Simulator.Tests;

public sealed class UnansweredRequestTests
{
    [Fact]
    public async Task A_vote_request_ingest_takes_and_never_answers_counts_as_a_failure()
    {
        // An ingest that takes connections and never answers (hung, or overloaded past its queue).
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var held = new System.Collections.Concurrent.ConcurrentBag<TcpClient>();
        using var stop = new CancellationTokenSource();
        var accepting = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                held.Add(await silent.AcceptTcpClientAsync(stop.Token));
            }
        });
        var address = new Uri($"http://127.0.0.1:{((IPEndPoint)silent.LocalEndpoint).Port}/");
        var settings = new SimulationSettings(
            address, "sim", Voters: 3, VotesPerSecond: 100, DuplicateShare: 0, MalformedShare: 0, MaxSeconds: 30, Concurrency: 3, RunId: "silent",
            Results: address, Readers: 0, ReadInterval: TimeSpan.FromSeconds(1), ProbeEvery: TimeSpan.Zero, SettleSeconds: 0, RequestTimeout: TimeSpan.FromSeconds(1));
        var election = new ElectionDefinition
        {
            Id = "sim",
            OpensAt = DateTimeOffset.UnixEpoch,
            ClosesAt = DateTimeOffset.MaxValue,
            Candidates = ["harper", "morgan"],
        };
        var tokens = new VoterTokenIssuer(new VoterTokenOptions { SigningKeys = [Convert.ToBase64String(new byte[32])] }, TimeProvider.System);

        var tally = await new ElectionSimulation(settings, election, tokens, TextWriter.Null).RunAsync(CancellationToken.None);

        Assert.Equal(0, tally.Accepted);
        Assert.Equal(3, tally.Failed);
        await stop.CancelAsync();
        foreach (var client in held)
        {
            client.Dispose();
        }
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => accepting);
    }
}
