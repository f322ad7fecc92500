using MySqlConnector;
using Voting.TestSupport;

namespace Voting.Processor.Tests;

/// <summary>
/// The Merkle log on a server of its own (<c>Voting:MySql:LogConnectionString</c>), as the capacity
/// model asks for at a national peak: a second real MariaDB server, started by the test.
/// </summary>
public sealed class MerkleLogOwnServerTests
{
    [Fact]
    public async Task With_a_log_server_configured_every_leaf_goes_there_and_nothing_of_the_log_to_the_shards_server()
    {
        await using var logServer = await ScratchMariaDbServer.StartAsync();
        await using var factory = ProcessorFactory.WithLogOn(logServer.ConnectionString);
        using var client = await factory.StartAsync();
        var election = LocalStack.UniqueName("e");
        await factory.ProduceAsync(ProcessorFactory.Votes(election, 400, ["harper", "morgan", "reyes"]));

        await ProcessorFactory.EventuallyAsync(async () => await factory.CountRowsAsync(election) == (400, 400), "400 ballots stored");
        await factory.AssertLogExactAsync(election, 400);

        // The leaves are on the log's server, read there directly, and the shards' server has no log database.
        var log = factory.Shards.LogDatabaseName;
        Assert.True(await logServer.HasDatabaseAsync(log), $"{log} on the log's server");
        await using (var direct = new MySqlConnection(logServer.ConnectionString))
        {
            await direct.OpenAsync();
            await using var count = new MySqlCommand($"SELECT COUNT(*), (SELECT tree_size FROM `{log}`.merkle_heads WHERE election_id = @e) FROM `{log}`.merkle_leaves WHERE election_id = @e", direct);
            count.Parameters.AddWithValue("@e", election);
            await using var reader = await count.ExecuteReaderAsync();
            Assert.True(await reader.ReadAsync());
            Assert.Equal((400L, 400L), (reader.GetInt64(0), reader.GetInt64(1)));
        }

        await using var shardServer = await factory.Shards.OpenServerAsync(0, CancellationToken.None);
        await using var schemata = new MySqlCommand("SELECT COUNT(*) FROM information_schema.schemata WHERE schema_name = @d", shardServer);
        schemata.Parameters.AddWithValue("@d", log);
        Assert.Equal(0L, Convert.ToInt64(await schemata.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>
    /// The log's server crashes (SIGKILL) while the shards' server stays up, then comes back on its own
    /// data: the processor retries its batches meanwhile and says it is not ready, and afterwards every
    /// ballot is stored once and in the log once (a range the crash cut off is handed back or voided).
    /// </summary>
    [Fact]
    public async Task The_log_server_crashing_mid_stream_and_coming_back_loses_nothing_and_doubles_nothing()
    {
        await using var logServer = await ScratchMariaDbServer.StartAsync();
        await using var stores = ProcessorFactory.WithLogOn(logServer.ConnectionString);
        var environment = stores.ChildEnvironment(batchSize: 100);
        environment["Voting__Processor__MaxRetryDelayMilliseconds"] = "1000";
        var election = LocalStack.UniqueName("e");
        var votes = ProcessorFactory.Votes(election, 3000, ["harper", "morgan", "reyes"]);
        await stores.ProduceAsync(votes.Take(2500));

        await using var processor = ChildService.Start("Voting.Processor", environment);
        await processor.WaitUntilReadyAsync(TimeSpan.FromSeconds(120));
        await ProcessorFactory.EventuallyAsync(async () => (await stores.CountRowsAsync(election)).Ballots >= 300, "processing under way");

        await logServer.KillAsync();
        await stores.ProduceAsync(votes.Skip(2500)); // votes keep arriving while the log is down
        using (var http = new HttpClient { BaseAddress = processor.BaseAddress })
        {
            // Readiness names the log's database once its server is gone.
            string? ready = null;
            await ProcessorFactory.EventuallyAsync(
                async () => (ready = await (await http.GetAsync(new Uri("/health/ready", UriKind.Relative))).Content.ReadAsStringAsync()).Contains(stores.Shards.LogDatabaseName, StringComparison.Ordinal),
                "readiness naming the log's database", seconds: 30);
            Assert.Contains("Unhealthy", ready, StringComparison.Ordinal);
        }

        // A batch appended just before the crash may still be writing its rows; after that, nothing is
        // stored past a log the processor can't append to: the count comes to rest (the same over 2 s),
        // and below the 3000 a processor storing without appending would reach.
        var storedDuringOutage = -1L;
        await ProcessorFactory.EventuallyAsync(
            async () =>
            {
                var before = (await stores.CountRowsAsync(election)).Ballots;
                await Task.Delay(TimeSpan.FromSeconds(2));
                return (storedDuringOutage = (await stores.CountRowsAsync(election)).Ballots) == before;
            },
            "the ballots stored while the log's server is down coming to rest", seconds: 60);

        // And what was stored has its place in the log: a processor writing ballots without appending
        // them first would have stored them all by now, each without a leaf.
        Assert.All(await stores.StoredBallots(election), b => Assert.NotNull(b.LeafIndex));
        Assert.True(storedDuringOutage < 3000, $"{storedDuringOutage} of 3000 stored while the log's server was down");
        await logServer.RestartAsync();

        await ProcessorFactory.EventuallyAsync(async () => await stores.CountRowsAsync(election) == (3000, 3000), "all 3000 ballots stored once", seconds: 180);
        await ProcessorFactory.EventuallyAsync(async () => (await stores.ClickHouseCountsAsync(election)).Values.Sum() == 3000, "all 3000 votes tallied once");
        Assert.Empty(await stores.Reconciliation.CompareAsync(election, CancellationToken.None));
        await stores.AssertLogHoldsEachBallotOnceAsync(election, 3000);
    }
}
