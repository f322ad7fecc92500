using MySqlConnector;
using Voting.Infrastructure.MySql;
using Voting.TestSupport;

namespace Voting.Infrastructure.Tests;

/// <summary>
/// Migration 4 drops the log outbox of older processors. Hashes still waiting in it have no other
/// way into the Merkle log, so a table that holds any is never dropped.
/// </summary>
public sealed class LogOutboxRetirementTests : IAsyncLifetime
{
    private readonly MySqlShardConnections connections = new(LocalStack.MySql(LocalStack.UniqueName("ob") + "_s"));

    [Fact]
    public async Task A_log_outbox_still_holding_hashes_stops_the_migration_and_keeps_them()
    {
        var migrator = new MySqlSchemaMigrator(connections, TestLoggers.For<MySqlSchemaMigrator>());
        await migrator.MigrateAsync([.. MySqlMigrations.All.Where(m => m.Version <= 3)], CancellationToken.None);
        var waiting = RandomHash();
        await using (var connection = await connections.OpenShardAsync(7, CancellationToken.None))
        {
            await ExecuteAsync(connection, "INSERT INTO log_outbox (election_id, ballot_table, ballot_hash) VALUES ('e', 3, @h)", waiting);
        }

        var refused = await Assert.ThrowsAsync<MySqlException>(() => migrator.MigrateAsync(MySqlMigrations.All, CancellationToken.None));
        Assert.Contains("log_outbox still holds ballot hashes", refused.Message, StringComparison.Ordinal);
        await using (var connection = await connections.OpenShardAsync(7, CancellationToken.None))
        {
            Assert.Equal(1, await ExecuteAsync(connection, "SELECT COUNT(*) FROM log_outbox WHERE ballot_hash = @h", waiting, scalar: true));
            await ExecuteAsync(connection, "DELETE FROM log_outbox", waiting);
        }

        await migrator.MigrateAsync(MySqlMigrations.All, CancellationToken.None);
        Assert.Equal(MySqlMigrations.All.Max(m => m.Version), await migrator.CurrentVersionAsync(CancellationToken.None));
        await using var server = await connections.OpenServerAsync(0, CancellationToken.None);
        await using var left = new MySqlCommand(
            "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema LIKE @prefix AND table_name = 'log_outbox'", server);
        left.Parameters.AddWithValue("@prefix", connections.Options.DatabasePrefix.Replace("_", "\\_", StringComparison.Ordinal) + "%");
        Assert.Equal(0L, Convert.ToInt64(await left.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture));
    }

    private static byte[] RandomHash() => System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);

    private static async Task<long> ExecuteAsync(MySqlConnection connection, string sql, byte[] hash, bool scalar = false)
    {
        await using var command = new MySqlCommand(sql, connection);
        command.Parameters.AddWithValue("@h", hash);
        return scalar
            ? Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture)
            : await command.ExecuteNonQueryAsync();
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => TestStores.DropAsync(connections);
}
