using MySqlConnector;
using Voting.Infrastructure.ClickHouse;
using Voting.Infrastructure.MySql;

namespace Voting.TestSupport;

/// <summary>Removes what a test created in MariaDB (its shard and log databases) and ClickHouse.</summary>
public static class TestStores
{
    public static async Task DropAsync(MySqlShardConnections shards, ClickHouseTallyStore? tallies = null)
    {
        foreach (var database in shards.AllDatabaseNames)
        {
            await using var connection = await shards.OpenServerOfAsync(database, CancellationToken.None);
            await using var drop = new MySqlCommand($"DROP DATABASE IF EXISTS `{database}`", connection);
            await drop.ExecuteNonQueryAsync();
        }

        if (tallies is not null)
        {
            await tallies.ExecuteAsync($"DROP DATABASE IF EXISTS {tallies.Options.Database}", CancellationToken.None);
        }
    }
}
