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
        await using var ingest = FakeIngest.Hanging();
        var address = ingest.Address;
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
    }

    [Fact]
    public async Task An_ingest_nobody_listens_for_stops_the_run_before_it_starts_with_one_line()
    {
        var port = new TcpListener(IPAddress.Loopback, 0);
        port.Start();
        var closed = new Uri($"http://127.0.0.1:{((IPEndPoint)port.LocalEndpoint).Port}/"); // nobody listens once it stops
        port.Stop();
        var started = System.Diagnostics.Stopwatch.StartNew();
        var (exit, output, error) = await SimulatorProgram.RunAsync(
            "simulate", "--ingest", closed.ToString(), "--readers", "0", "--probe-every", "0", "--voters", "500", "--rate", "50", "--settle-seconds", "0");

        Assert.Equal(2, exit);
        Assert.StartsWith($"simulate: ingest at {closed} can't be reached (", Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries)), StringComparison.Ordinal);
        Assert.DoesNotContain("req/s", output, StringComparison.Ordinal); // no run: not ten seconds of failures
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(30), $"took {started.Elapsed}");
    }
}
