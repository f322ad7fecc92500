namespace Voting.Faults.Tests;

/// <summary>The processor dies with SIGKILL mid-batch while votes keep coming; a new one takes over.</summary>
public sealed class ProcessorCrashTests
{
    [Fact]
    public async Task A_processor_killed_with_SIGKILL_under_load_and_restarted_stores_every_accepted_vote_exactly_once()
    {
        await using var pipeline = new FaultPipeline("pcrash");
        pipeline.Settings["Voting__Processor__BatchSize"] = "50";
        await pipeline.StartAsync(ingestInstances: 1);
        var load = new VoteLoad(pipeline, "pcrash-voter", 100_000) { PauseBetweenVoters = TimeSpan.FromMilliseconds(10) };
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(180));
        var running = load.RunAsync(workers: 8, stop.Token);

        await Eventually.TrueAsync(async () => (await pipeline.CountRowsAsync()).Ballots >= 200, () => "200 ballots stored before the crash: " + load.Describe());
        await pipeline.KillProcessorAsync(); // mid-stream: batches in flight are neither committed in MySQL nor in Kafka
        var storedAtCrash = (await pipeline.CountRowsAsync()).Ballots;
        await Task.Delay(TimeSpan.FromSeconds(2)); // votes keep being accepted meanwhile
        await pipeline.StartProcessorAsync();
        // Counted from the restart (ingest answers while the processor is down, so it is always ahead of
        // what was stored): the new processor works under load, not only on the backlog.
        var answeredAtRestart = load.Answered;
        await Eventually.TrueAsync(() => Task.FromResult(load.Answered >= answeredAtRestart + 300), () => "300 more votes answered after the restart: " + load.Describe(), 120);
        load.Finish();
        await running;

        Assert.True(load.Unanswered.Count == 0, load.Describe());
        await pipeline.SettleAsync();
        var outcome = await FaultOutcome.MeasureAsync("processor kill -9 mid-batch under load, restarted", pipeline, load, $"{storedAtCrash} ballots stored at the crash");
        FaultSummary.Record(outcome);
        outcome.AssertGuarantees();
        Assert.Equal(outcome.Accepted, outcome.Stored);
    }
}
