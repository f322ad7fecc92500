using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Testing;
using MySqlConnector;
using Voting.TestSupport;

namespace Voting.Processor.Tests;

/// <summary>
/// A store that stays down longer than the consumer's poll interval: the processor, waiting for it
/// (back-pressure), asks Kafka for nothing meanwhile, and librdkafka takes the consumer out of its
/// group. When the store is back the processor must carry on — a new consumer, the uncommitted
/// batches replayed harmlessly — not stop.
/// </summary>
public sealed class LongStoreOutageTests(ProcessorFactory factory) : IClassFixture<ProcessorFactory>
{
    private const int Votes = 1_000;

    [Fact]
    public async Task A_store_down_longer_than_the_poll_interval_costs_the_consumer_its_group_not_the_processor_its_life()
    {
        var election = LocalStack.UniqueName("e");
        await using var host = factory.WithWebHostBuilder(builder => builder.ConfigureAppConfiguration((_, configuration) =>
            configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Voting:Processor:BatchSize"] = "100",
                ["Voting:Processor:BatchesInFlight"] = "2",
                ["Voting:Kafka:SessionTimeoutMs"] = "6000",
                ["Voting:Kafka:MaxPollIntervalMs"] = "6000", // the least the options allow: the outage below is 2.5× that
            })));
        using var client = host.CreateClient();
        await ServiceReadiness.WaitUntilReadyAsync(client, TimeSpan.FromSeconds(120));

        await using (var locker = await factory.Shards.OpenLogAsync(CancellationToken.None))
        {
            // The Merkle log's leaves table held by another session: no batch can be stored.
            await new MySqlCommand("LOCK TABLES merkle_leaves WRITE", locker).ExecuteNonQueryAsync();
            try
            {
                await factory.ProduceAsync(ProcessorFactory.Votes(election, Votes, ["harper", "morgan"]));
                await Task.Delay(TimeSpan.FromSeconds(15));
                Assert.Equal((0L, 0L), await factory.CountRowsAsync(election));
            }
            finally
            {
                await new MySqlCommand("UNLOCK TABLES", locker).ExecuteNonQueryAsync();
            }
        }

        // Everything produced before and during the outage, and after it, is stored exactly once.
        await factory.ProduceAsync(ProcessorFactory.Votes(election, Votes, ["harper", "morgan"], firstVoter: Votes));
        await factory.WaitUntilDrainedAsync(election);
        Assert.Equal((2L * Votes, 2L * Votes), await factory.CountRowsAsync(election));
        await factory.AssertLogExactAsync(election, 2 * Votes);
        Assert.Contains(host.Services.GetRequiredService<FakeLogCollector>().GetSnapshot(),
            r => r.Message.Contains("longer than the consumer's poll interval", StringComparison.Ordinal));
        using var live = await client.GetAsync(new Uri("/health/live", UriKind.Relative));
        Assert.True(live.IsSuccessStatusCode, "the processor is still running");
    }
}
