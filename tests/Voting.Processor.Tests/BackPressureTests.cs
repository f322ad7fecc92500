using System.Diagnostics.Metrics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using MySqlConnector;
using Voting.ServiceDefaults;
using Voting.TestSupport;

namespace Voting.Processor.Tests;

/// <summary>
/// A database that stops taking writes (the Merkle log's leaves table held under a write lock by
/// another session) holds the processor up: it takes no more from the topic than its batches in
/// flight, commits no offset of what it could not store, and stores everything exactly once when
/// the lock is let go.
/// </summary>
public sealed class BackPressureTests(ProcessorFactory factory) : IClassFixture<ProcessorFactory>
{
    private const int BatchSize = 100;
    private const int BatchesInFlight = 2;
    private const int Votes = 3_000;

    [Fact]
    public async Task A_stalled_database_holds_the_processor_to_its_batches_in_flight_and_no_offset_is_committed_before_the_store()
    {
        var election = LocalStack.UniqueName("e");
        await using var host = factory.WithWebHostBuilder(builder => builder.ConfigureAppConfiguration((_, configuration) =>
            configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Voting:Processor:BatchSize"] = BatchSize.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["Voting:Processor:BatchesInFlight"] = BatchesInFlight.ToString(System.Globalization.CultureInfo.InvariantCulture),
            })));
        using var client = host.CreateClient();
        await ServiceReadiness.WaitUntilReadyAsync(client, TimeSpan.FromSeconds(120)); // the schema is in place
        using var held = new MetricCollector<long>(
            host.Services.GetRequiredService<IMeterFactory>(), ServiceDefaultsExtensions.MeterName, "voting.processor.messages_held");

        await using (var locker = await factory.Shards.OpenLogAsync(CancellationToken.None))
        {
            await new MySqlCommand("LOCK TABLES merkle_leaves WRITE", locker).ExecuteNonQueryAsync();
            try
            {
                await factory.ProduceAsync(ProcessorFactory.Votes(election, Votes, ["harper", "morgan"]));

                await ProcessorFactory.EventuallyAsync(() => Task.FromResult(Held(held) > 0), "the processor took a batch");
                // Room to run ahead, were nothing holding it back: it is sampled for a few seconds.
                var most = 0L;
                for (var i = 0; i < 15; i++)
                {
                    await Task.Delay(200);
                    most = Math.Max(most, Held(held));
                }

                Assert.True(most <= BatchSize * BatchesInFlight, $"{most} messages held while nothing could be stored; at most {BatchSize * BatchesInFlight} may be");
                Assert.Equal(Votes, await factory.CommittedLagAsync()); // nothing stored, nothing committed
            }
            finally
            {
                await new MySqlCommand("UNLOCK TABLES", locker).ExecuteNonQueryAsync();
            }
        }

        await factory.WaitUntilDrainedAsync(election);
        Assert.Equal((Votes, Votes), await factory.CountRowsAsync(election));
        await factory.AssertLogExactAsync(election, Votes);
        Assert.Equal(0, Held(held));
    }

    private static long Held(MetricCollector<long> held)
    {
        held.RecordObservableInstruments();
        return held.LastMeasurement?.Value ?? 0;
    }
}
