using MySqlConnector;
using Voting.Infrastructure.MySql;
using Voting.Infrastructure.Storage;
using Voting.TestSupport;

namespace Voting.Infrastructure.Tests;

/// <summary>
/// Migrations 5 and 6 of the log database: anchors taken before anchor finality existed stay trusted
/// (final), while one mined since migration 5 ran, still waiting for its confirmations, stays waiting.
/// </summary>
public sealed class AnchorFinalityMigrationTests : IAsyncLifetime
{
    private readonly MySqlShardConnections connections = new(LocalStack.MySql(LocalStack.UniqueName("fm") + "_s"));

    [Fact]
    public async Task Anchors_taken_before_finality_stay_trusted_and_later_ones_keep_waiting()
    {
        var migrator = new MySqlSchemaMigrator(connections, TestLoggers.For<MySqlSchemaMigrator>());
        var store = new CheckpointStore(connections);
        await migrator.MigrateLogAsync([.. MerkleLogMigrations.All.Where(m => m.Version <= 4)], CancellationToken.None);
        await AnchorAsync(10, "UTC_TIMESTAMP(3) - INTERVAL 2 HOUR");
        await store.AddAsync("e", 20, new byte[32], DateTime.UtcNow, CancellationToken.None);

        // A database that ran migration 5 as first released, then anchored with confirmations to wait for.
        await migrator.MigrateLogAsync([.. MerkleLogMigrations.All.Where(m => m.Version <= 5)], CancellationToken.None);
        await AnchorAsync(30, "UTC_TIMESTAMP(3) + INTERVAL 1 MINUTE");

        await migrator.MigrateLogAsync(MerkleLogMigrations.All, CancellationToken.None);

        var checkpoints = (await store.ListAsync("e", CancellationToken.None)).ToDictionary(c => c.TreeSize);
        Assert.True(checkpoints[10].IsAnchored, "anchored before migration 5: final");
        Assert.Equal(checkpoints[10].AnchoredAt, checkpoints[10].FinalAt);
        Assert.True(checkpoints[20].IsQueued);
        Assert.Null(checkpoints[20].FinalAt);
        Assert.True(checkpoints[30].IsConfirming, "mined after migration 5: still waiting for its confirmations");
        Assert.Null(checkpoints[30].PendingTransaction);
    }

    private async Task AnchorAsync(long size, string anchoredAt)
    {
        await using var connection = await connections.OpenLogAsync(CancellationToken.None);
        await using var command = new MySqlCommand(
            $"INSERT INTO checkpoints (election_id, tree_size, root, created_at, tx_hash, block_number, anchored_at) VALUES ('e', @s, @r, UTC_TIMESTAMP(3), @x, 7, {anchoredAt})",
            connection);
        command.Parameters.AddWithValue("@s", size);
        command.Parameters.AddWithValue("@r", new byte[32]);
        command.Parameters.AddWithValue("@x", "0x" + new string('a', 63) + size % 10);
        await command.ExecuteNonQueryAsync();
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => TestStores.DropAsync(connections);
}
