using MySqlConnector;
using Voting.Infrastructure.MySql;
using Voting.Infrastructure.Storage;
using Voting.TestSupport;

namespace Voting.Infrastructure.Tests;

/// <summary>
/// Migration 7 of the log database: the anchor transaction in flight is kept with its signed bytes, and
/// one recorded before (a hash only) keeps its hash, with no bytes to send again.
/// </summary>
public sealed class PendingAnchorMigrationTests : IAsyncLifetime
{
    private const string Recorded = "0x1111111111111111111111111111111111111111111111111111111111111111";

    private readonly MySqlShardConnections connections = new(LocalStack.MySql(LocalStack.UniqueName("pm") + "_s"));

    [Fact]
    public async Task A_transaction_recorded_before_keeps_its_hash_and_one_recorded_since_keeps_its_signed_bytes_until_anchored()
    {
        var migrator = new MySqlSchemaMigrator(connections, TestLoggers.For<MySqlSchemaMigrator>());
        var store = new CheckpointStore(connections);
        await migrator.MigrateLogAsync([.. MerkleLogMigrations.All.Where(m => m.Version <= 6)], CancellationToken.None);
        await store.AddAsync("e", 10, new byte[32], DateTime.UtcNow, CancellationToken.None);
        await store.AddAsync("e", 20, new byte[32], DateTime.UtcNow, CancellationToken.None);
        await using (var connection = await connections.OpenLogAsync(CancellationToken.None))
        {
            await using var command = new MySqlCommand($"UPDATE checkpoints SET pending_tx = '{Recorded}' WHERE tree_size = 10", connection);
            Assert.Equal(1, await command.ExecuteNonQueryAsync());
        }

        await migrator.MigrateLogAsync(MerkleLogMigrations.All, CancellationToken.None);

        var before = await CheckpointAsync(store, 10);
        Assert.Equal((Recorded, null), (before.PendingTransaction, before.PendingRaw));

        var raw = "0x02f8" + Convert.ToHexStringLower(Enumerable.Range(0, 300).Select(i => (byte)i).ToArray());
        await store.SetPendingAsync("e", 20, "0x" + new string('2', 64), raw, CancellationToken.None);
        Assert.Equal(raw, (await CheckpointAsync(store, 20)).PendingRaw);

        await store.MarkAnchoredAsync("e", 20, "0x" + new string('2', 64), 7, DateTime.UtcNow, null, CancellationToken.None);
        var anchored = await CheckpointAsync(store, 20);
        Assert.Equal((null, null), (anchored.PendingTransaction, anchored.PendingRaw));

        // Undone by a reorganisation: the undone transaction is waited for again; its bytes are not known here.
        await store.RequeueAsync("e", 20, "0x" + new string('2', 64), "undone", CancellationToken.None);
        var requeued = await CheckpointAsync(store, 20);
        Assert.Equal(("0x" + new string('2', 64), null), (requeued.PendingTransaction, requeued.PendingRaw));
    }

    private static async Task<Checkpoint> CheckpointAsync(CheckpointStore store, long size) =>
        (await store.ListAsync("e", CancellationToken.None)).Single(c => c.TreeSize == size);

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => TestStores.DropAsync(connections);
}
