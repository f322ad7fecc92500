using Voting.TestSupport;

namespace Voting.Processor.Tests;

public sealed class CrashRecoveryTests
{
    [Fact]
    public async Task A_processor_killed_with_SIGKILL_mid_stream_and_restarted_leaves_exact_totals()
    {
        await using var stores = new ProcessorFactory(); // topic, group and stores of this test; its own host is not started
        var environment = stores.ChildEnvironment(batchSize: 100);
        var election = LocalStack.UniqueName("e");
        const int total = 12_000;
        await stores.ProduceAsync(ProcessorFactory.Votes(election, total, ["harper", "morgan", "reyes"]));

        var crashed = 0L;
        await using (var first = ChildService.Start("Voting.Processor", environment))
        {
            await first.WaitUntilReadyAsync(TimeSpan.FromSeconds(120));
            // A cheap progress probe (one query; counting rows reads 2,048 tables), so the kill lands mid-stream even on a loaded machine.
            await ProcessorFactory.EventuallyAsync(async () => await stores.Log.TreeSizeAsync(election, CancellationToken.None) >= 300, "processing under way");
            await first.KillAsync();
            crashed = (await stores.CountRowsAsync(election)).Ballots;
        }

        // Killed mid-stream, not after: at least 300 leaves were appended (the probe), and the rows
        // are short of the total. Rows follow the log by the batches in flight, so they may be fewer.
        Assert.True(crashed < total, $"the kill came after all {total} ballots were stored");

        await using var second = ChildService.Start("Voting.Processor", environment);
        await second.WaitUntilReadyAsync(TimeSpan.FromSeconds(120));
        await ProcessorFactory.EventuallyAsync(async () => await stores.CountRowsAsync(election) == (total, total), $"all {total} ballots stored once");
        await ProcessorFactory.EventuallyAsync(async () => (await stores.ClickHouseCountsAsync(election)).Values.Sum() == total, $"all {total} votes tallied once");
        Assert.Empty(await stores.Reconciliation.CompareAsync(election, CancellationToken.None));
        // A range the killed processor held is handed back, or voided if one after it was filled.
        await stores.AssertLogHoldsEachBallotOnceAsync(election, total);
    }
}
