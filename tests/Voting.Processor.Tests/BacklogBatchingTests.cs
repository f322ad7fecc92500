using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Voting.TestSupport;

namespace Voting.Processor.Tests;

/// <summary>
/// A backlog drained with small batches and a wait of one millisecond (past which a batch fills only
/// from what the Kafka client already holds) is stored exactly once, in batches no larger than the
/// configured size. How many batches depends on how far the client's fetching is ahead of the
/// consuming thread on the box at that moment; the rule itself is checked exactly in
/// <see cref="BatchFillTests"/>.
/// </summary>
public sealed partial class BacklogBatchingTests(ProcessorFactory factory) : IClassFixture<ProcessorFactory>
{
    [Fact]
    public async Task A_backlog_drained_in_batches_of_1000_with_a_wait_of_one_millisecond_is_stored_exactly_once()
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

        // At most 1,000 votes a batch: 3,000 take three batches or more.
        var metrics = await client.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        var batches = BatchCount().Match(metrics);
        Assert.True(batches.Success, "the processor reports the batches it wrote");
        var written = double.Parse(batches.Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.True(written >= 3, $"3,000 votes in {written} batches of at most 1,000");

        // Every batch within the size: as many batches of at most 1,000 messages as batches in all.
        var sizes = BatchesOfAtMost1000().Match(metrics);
        Assert.True(sizes.Success, "the processor reports its batches' sizes:\n" + metrics);
        Assert.Equal(written, double.Parse(sizes.Groups[1].Value, CultureInfo.InvariantCulture));
    }

    [GeneratedRegex(@"^voting_processor_batch_messages(?:_messages)?_bucket\{[^}]*le=""1000""[^}]*\} ([0-9.eE+]+)", RegexOptions.Multiline)]
    private static partial Regex BatchesOfAtMost1000();

    [GeneratedRegex(@"^voting_processor_batch_duration(?:_seconds)?_count(?:\{[^}]*\})? ([0-9.eE+]+)", RegexOptions.Multiline)]
    private static partial Regex BatchCount();
}
