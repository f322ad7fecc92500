using System.Text.RegularExpressions;
using Voting.TestSupport;

namespace Voting.Processor.Tests;

[Trait("Category", StackControl.FaultCategory)]
public sealed partial class DatabaseOutageTests
{
    [Fact]
    public async Task MariaDB_stopped_and_restarted_mid_stream_loses_nothing_and_doubles_nothing()
    {
        await using var stores = new ProcessorFactory();
        var environment = stores.ChildEnvironment(batchSize: 100);
        environment["Voting__Processor__MaxRetryDelayMilliseconds"] = "1000";
        var election = LocalStack.UniqueName("e");
        var votes = ProcessorFactory.Votes(election, 6000, ["harper", "morgan", "reyes"]);
        await stores.ProduceAsync(votes.Take(5000));

        await using var processor = ChildService.Start("Voting.Processor", environment);
        await processor.WaitUntilReadyAsync(TimeSpan.FromSeconds(120));
        // A cheap progress probe (one query; counting rows reads 2,048 tables, long enough for the whole backlog to be stored).
        await ProcessorFactory.EventuallyAsync(async () => await stores.Log.TreeSizeAsync(election, CancellationToken.None) >= 500, "processing under way");

        await StackControl.StopAsync("mariadb");
        try
        {
            await stores.ProduceAsync(votes.Skip(5000)); // votes keep arriving during the outage
            await Task.Delay(TimeSpan.FromSeconds(3));
        }
        finally
        {
            await StackControl.StartAsync("mariadb");
        }

        await ProcessorFactory.EventuallyAsync(async () => await stores.CountRowsAsync(election) == (6000, 6000), "all 6000 ballots stored once", seconds: 180);
        await ProcessorFactory.EventuallyAsync(async () => (await stores.ClickHouseCountsAsync(election)).Values.Sum() == 6000, "all 6000 votes tallied once");
        Assert.Empty(await stores.Reconciliation.CompareAsync(election, CancellationToken.None));
        // A range whose fill the outage cut off is handed back, or voided if one after it was filled.
        await stores.AssertLogHoldsEachBallotOnceAsync(election, 6000);

        // The outage shows on the retries operators watch, as the batches' writes.
        using var http = new HttpClient { BaseAddress = processor.BaseAddress };
        var metrics = await http.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        var batchRetries = BatchRetries().Match(metrics);
        Assert.True(batchRetries.Success && long.Parse(batchRetries.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) > 0, "no batch retry counted:\n" + metrics);
    }

    [GeneratedRegex(@"^voting_processor_retries_total\{[^}]*work=""batch""[^}]*\} (\d+)", RegexOptions.Multiline)]
    private static partial Regex BatchRetries();
}
