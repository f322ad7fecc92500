namespace Voting.Faults.Tests;

/// <summary>An ingest instance dies with SIGKILL in the middle of a load; the clients go on with the others.</summary>
public sealed class IngestCrashTests
{
    [Fact]
    public async Task An_ingest_instance_killed_with_SIGKILL_under_load_loses_no_accepted_vote_and_stores_none_twice()
    {
        await using var pipeline = new FaultPipeline("crash");
        await pipeline.StartAsync(ingestInstances: 2);
        const int voters = 1200;
        var load = new VoteLoad(pipeline, "crash-voter", voters);
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(180));
        var running = load.RunAsync(workers: 16, stop.Token);

        await Eventually.TrueAsync(() => Task.FromResult(load.Answered >= 200), () => "200 votes answered before the crash: " + load.Describe());
        await pipeline.KillIngestAsync(0); // SIGKILL: requests in flight there get no answer; their clients try the other instance
        var answeredAtCrash = load.Answered;
        await pipeline.StartIngestAsync(); // the instance comes back (a new process, as an orchestrator would restart it)
        await running;

        Assert.InRange(answeredAtCrash, 200, voters - 1); // it died mid-load, not after
        Assert.True(load.Unanswered.Count == 0, load.Describe());
        await pipeline.SettleAsync();
        var outcome = await FaultOutcome.MeasureAsync("ingest kill -9 (1 of 2 instances) under load", pipeline, load, $"{load.ConnectionFailures} requests cut off by the crash, retried");
        FaultSummary.Record(outcome);
        outcome.AssertGuarantees();
        Assert.Equal(voters, outcome.Stored); // every voter has exactly one ballot
    }
}
