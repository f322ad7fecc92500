using System.Net.Http.Json;
using Voting.Core.Audit;
using Voting.TestSupport;

namespace Voting.Faults.Tests;

/// <summary>
/// Each server of the stack stopped and started again while votes flow through ingest, processor and
/// audit. They stop shared servers, so they run alone, after the other tests.
/// </summary>
[Trait("Category", StackControl.FaultCategory)]
[Collection(ServerFaultCollection.Name)]
public sealed class ServerRestartTests
{
    // Kafka is not in this list yet: after a broker restart the processor's consumer (librdkafka 2 against
    // Kafka 0.9) can stay cut off from its group coordinator for minutes and stop consuming (3 of 4 runs
    // not caught up within 180 s); accepted votes stay safe in Kafka meanwhile. Issue 9 stays open for it.
    [Theory]
    [InlineData("mariadb")]
    [InlineData("redis")]
    [InlineData("clickhouse")]
    [InlineData("anvil")]
    public async Task A_server_restarted_under_load_loses_no_accepted_vote_counts_none_twice_and_keeps_the_anchors_continuous(string server)
    {
        await using var pipeline = new FaultPipeline("restart_" + server);
        await pipeline.StartAsync(ingestInstances: 1, audit: true);
        var load = new VoteLoad(pipeline, server + "-voter", 100_000) { PauseBetweenVoters = TimeSpan.FromMilliseconds(25) };
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(240));
        var running = load.RunAsync(workers: 8, stop.Token);

        await Eventually.TrueAsync(() => Task.FromResult(load.Answered >= 150), () => "150 votes answered before the restart: " + load.Describe());
        var answeredBefore = load.Answered;
        await StackControl.StopAsync(server);
        await Task.Delay(TimeSpan.FromSeconds(3)); // down for a while under load
        await StackControl.StartAsync(server);
        var answeredAtRestart = load.Answered;
        await Eventually.TrueAsync(() => Task.FromResult(load.Answered >= answeredAtRestart + 150), () => "150 more votes answered after the restart: " + load.Describe(), 180);
        load.Finish();
        await running;

        Assert.True(load.Unanswered.Count == 0, load.Describe());
        await pipeline.SettleAsync(180);
        var outcome = await FaultOutcome.MeasureAsync($"{server} stopped 3 s and restarted under load", pipeline, load,
            $"{answeredBefore} answered before the stop; {load.Unavailable} × 503 and {load.ConnectionFailures} connection failures retried");
        FaultSummary.Record(outcome);
        outcome.AssertGuarantees();

        // Tallies equal ballots, and the log is anchored up to its end with every anchor consistent with the last.
        using var audit = new HttpClient { BaseAddress = pipeline.AuditAddress };
        CheckpointView? latest = null;
        await Eventually.TrueAsync(
            async () => (latest = await audit.GetFromJsonAsync($"/api/v1/audit/elections/{pipeline.Election}/checkpoints/latest", AuditJsonContext.Default.CheckpointView)) is { Status: "anchored" } anchored
                        && anchored.TreeSize == outcome.Stored,
            () => $"the whole log ({outcome.Stored}) anchored; latest {latest}\n{pipeline.ChildOutput}", 120);
        var report = await pipeline.AuditAsync();
        Assert.True(report.Clean, string.Join("\n", report.Findings.Select(f => $"{f.Kind} at {f.Location}: {f.Detail}")));
        Assert.Equal(outcome.Stored, report.LogSize);
        Assert.True(report.AnchorsChecked >= 1, "no anchor was checked");
    }
}
