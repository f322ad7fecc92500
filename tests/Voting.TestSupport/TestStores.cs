using MySqlConnector;
using Voting.Infrastructure.ClickHouse;
using Voting.Core.Sharding;
using Voting.Infrastructure.MySql;

namespace Voting.TestSupport;

/// <summary>Removes what a test created in MariaDB (its shard and log databases, and the pooled connections to them) and ClickHouse.</summary>
public static class TestStores
{
    public static async Task DropAsync(MySqlShardConnections shards, ClickHouseTallyStore? tallies = null)
    {
        // Each test's databases have names of their own, so each has connection pools of its own, and
        // a pool keeps its idle connections for minutes: closed now, or the test processes running
        // at once hold hundreds of connections to dropped databases and MariaDB refuses new ones.
        await ClearPoolAsync(() => shards.OpenLogAsync(CancellationToken.None));
        for (var shard = 0; shard < ShardLayout.DatabaseCount; shard++)
        {
            var database = shard;
            await ClearPoolAsync(() => shards.OpenShardAsync(database, CancellationToken.None));
        }

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

    private static async Task ClearPoolAsync(Func<Task<MySqlConnection>> open)
    {
        try
        {
            await using var connection = await open();
            await MySqlConnection.ClearPoolAsync(connection);
        }
        catch (MySqlException e) when (e.ErrorCode == MySqlErrorCode.UnknownDatabase)
        {
            // never created: no connection to it was ever pooled
        }
    }
}
