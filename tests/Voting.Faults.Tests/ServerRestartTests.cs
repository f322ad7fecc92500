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
    // Kafka twice: a short restart, which now and then leaves librdkafka 2 (against Kafka 0.9) without its
    // group coordinator for good, so the processor must notice and rebuild its consumer; and 50 s down,
    // longer than the processor's group stall limit (set to 35 s here, above the 30 s session timeout),
    // so that rebuild is exercised in every run.
    private const int GroupStallSeconds = 35;

    [Theory]
    [InlineData("kafka", 3)]
    [InlineData("kafka", 50)]
    [InlineData("mariadb", 3)]
    [InlineData("redis", 3)]
    [InlineData("clickhouse", 3)]
    [InlineData("anvil", 3)]
    public async Task A_server_restarted_under_load_loses_no_accepted_vote_counts_none_twice_and_keeps_the_anchors_continuous(string server, int downSeconds)
    {
        var kafka = server == "kafka";
        await using var pipeline = new FaultPipeline("restart_" + server, keepLogs: true);
        if (kafka)
        {
            pipeline.Settings["Voting__Processor__GroupStallSeconds"] = GroupStallSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        await pipeline.StartAsync(ingestInstances: 1, audit: true);
        var load = new VoteLoad(pipeline, server + "-voter", 100_000) { PauseBetweenVoters = TimeSpan.FromMilliseconds(25) };
        // A safety stop: armed now, so a failure before the restart leaves no load running into the next
        // case on the shared servers, and counted again from the restart (below).
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(600));
        var running = load.RunAsync(workers: 8, stop.Token);
        var answeredBefore = 0;
        try
        {
            await Eventually.TrueAsync(() => Task.FromResult(load.Answered >= 150), () => "150 votes answered before the restart: " + load.Describe());
            answeredBefore = load.Answered;
            await StackControl.StopAsync(server);
            await Task.Delay(TimeSpan.FromSeconds(downSeconds)); // down for a while under load
            await StackControl.StartAsync(server);
            // Longer than the wait below: the load must end by Finish(), not cut off while the pipeline recovers
            // (a 50 s Kafka outage plus its restart used most of a timer started with the load).
            stop.CancelAfter(TimeSpan.FromSeconds(240));
            var answeredAtRestart = load.Answered;
            await Eventually.TrueAsync(() => Task.FromResult(load.Answered >= answeredAtRestart + 150), () => "150 more votes answered after the restart: " + load.Describe(), 180);
            load.Finish();
            await running;
        }
        catch
        {
            await stop.CancelAsync(); // the load ends with this case, not into the next one
            throw;
        }

        Assert.True(load.Unanswered.Count == 0, load.Describe());
        await pipeline.SettleAsync(180);
        var rebuilds = pipeline.LogFiles.Where(f => Path.GetFileName(f).StartsWith("Voting.Processor", StringComparison.Ordinal))
            .Sum(f => File.ReadLines(f).Count(line => line.Contains("closing it and building a new one", StringComparison.Ordinal)));
        var outcome = await FaultOutcome.MeasureAsync($"{server} stopped {downSeconds} s and restarted under load", pipeline, load,
            $"{answeredBefore} answered before the stop; {load.Unavailable} × 503 and {load.ConnectionFailures} connection failures retried"
            + (kafka ? $"; processor consumer rebuilt {rebuilds} times" : ""));
        FaultSummary.Record(outcome);
        outcome.AssertGuarantees();

        // Tallies equal ballots, and the log is anchored up to its end with every anchor consistent
        // with the last. The log holds the stored ballots and the void leaves of any range whose fill
        // the fault cut off after a later range was filled.
        using var audit = new HttpClient { BaseAddress = pipeline.AuditAddress };
        var logSize = await pipeline.LogSizeAsync();
        CheckpointView? latest = null;
        await Eventually.TrueAsync(
            async () => (latest = await audit.GetFromJsonAsync($"/api/v1/audit/elections/{pipeline.Election}/checkpoints/latest", AuditJsonContext.Default.CheckpointView)) is { Status: "anchored" } anchored
                        && anchored.TreeSize == logSize,
            () => $"the whole log ({logSize} leaves, {outcome.Stored} ballots) anchored; latest {latest}\nwhy anchoring failed, first to last:\n{pipeline.AnchoringErrors()}\n{pipeline.ChildOutput}", 120);
        var report = await pipeline.AuditAsync();
        Assert.True(report.Clean, string.Join("\n", report.Findings.Select(f => $"{f.Kind} at {f.Location}: {f.Detail}")));
        Assert.Equal(logSize, report.LogSize);
        Assert.Equal(outcome.Stored, report.LogSize - report.VoidLeaves);
        Assert.True(report.AnchorsChecked >= 1, "no anchor was checked");
        if (kafka && downSeconds > GroupStallSeconds)
        {
            Assert.True(rebuilds >= 1, "the processor never rebuilt its consumer while Kafka was down longer than its stall limit");
        }
    }
}
