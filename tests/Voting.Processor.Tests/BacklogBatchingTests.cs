using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Voting.TestSupport;

namespace Voting.Processor.Tests;

/// <summary>
/// The batch wait bounds how long a batch waits for votes still to come. A backlog the client has
/// already fetched fills each batch to its configured size, however short the wait: batches cut on
/// time while draining a backlog make more, smaller shard transactions, each dearer per vote.
/// </summary>
public sealed partial class BacklogBatchingTests(ProcessorFactory factory) : IClassFixture<ProcessorFactory>
{
    [Fact]
    public async Task A_backlog_fills_each_batch_to_its_size_even_with_a_wait_of_one_millisecond()
    {
        var election = LocalStack.UniqueName("e");
        await factory.ProduceAsync(ProcessorFactory.Votes(election, 3_000, ["harper", "morgan"]));

        await using var backlogged = factory.WithWebHostBuilder(builder => builder.ConfigureAppConfiguration((_, configuration) =>
            configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Voting:Processor:BatchSize"] = "1000",
                ["Voting:Processor:MaxBatchWaitMilliseconds"] = "1",
            })));
        using var client = backlogged.CreateClient();
        await ServiceReadiness.WaitUntilReadyAsync(client, TimeSpan.FromSeconds(120));

        await ProcessorFactory.EventuallyAsync(async () => await factory.CountRowsAsync(election) == (3_000, 3_000), "the 3,000 ballots stored");
        await factory.AssertLogExactAsync(election, 3_000);

        // Three full batches; one or two more only if the client's queue ran dry between two fetches.
        // Cut after 1 ms each, the same backlog took 9 on this box.
        var metrics = await client.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        var batches = BatchCount().Match(metrics);
        Assert.True(batches.Success, "the processor reports the batches it wrote");
        var written = double.Parse(batches.Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.InRange(written, 3, 5);
    }

    [GeneratedRegex(@"^voting_processor_batch_duration(?:_seconds)?_count(?:\{[^}]*\})? ([0-9.eE+]+)", RegexOptions.Multiline)]
    private static partial Regex BatchCount();
}
