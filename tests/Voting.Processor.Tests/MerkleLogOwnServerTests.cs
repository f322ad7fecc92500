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
}
