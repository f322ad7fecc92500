using System.Net.Http.Json;
using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using MySqlConnector;
using Voting.Audit.Anchoring;
using Voting.Audit.Logs;
using Voting.Infrastructure.Chain;
using Voting.Infrastructure.Storage;
using Voting.ServiceDefaults;
using Voting.TestSupport;

namespace Voting.Audit.Tests;

/// <summary>
/// A log rewritten under the service (a leaf changed in the log database, read afresh after a
/// restart) gets no further checkpoint or anchor: its roots would put a rewritten history on chain
/// after the true one. The service says so (critical log, degraded health, the queued checkpoint's
/// error) and goes on once the log is restored. The elections here are unknown to the service's own
/// loop, so the test alone decides when checkpoints are taken and anchored.
/// </summary>
public sealed class LogBreakTests : IAsyncLifetime
{
    private readonly AuditFactory factory = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => factory.DisposeAsync().AsTask();

    [Fact]
    public async Task A_leaf_rewritten_below_the_newest_checkpoint_stops_checkpoints_and_anchors_until_it_is_restored()
    {
        using var client = await factory.StartAsync();
        var election = LocalStack.UniqueName("rewritten");
        var store = new CheckpointStore(factory.Shards);
        var chain = await AnchoredAt30WithCheckpoint40QueuedAsync(election);

        // Leaf 5 is rewritten, and the service restarts: its tree is read afresh from the log database.
        var original = await RewriteLeafAsync(election, 5, RandomNumberGenerator.GetBytes(32));
        await factory.RecordVotesAsync(election, 5);
        var restarted = Restarted();

        Assert.Equal(-1, await restarted.CheckpointAsync(election, CancellationToken.None));
        Assert.Equal([30L, 40L], (await store.ListAsync(election, CancellationToken.None)).Select(c => c.TreeSize));
        Assert.False(await restarted.AnchorQueuedAsync(election, CancellationToken.None));
        Assert.Equal([30UL], (await chain.ListAsync(election)).Select(c => c.TreeSize));
        var queued = Assert.Single(await store.QueuedAsync(election, CancellationToken.None));
        Assert.StartsWith("Not anchored: The log's first 30 leaves hash to ", queued.LastError, StringComparison.Ordinal);
        Assert.Contains("the newest checkpoint on chain (size 30)", queued.LastError, StringComparison.Ordinal);

        var health = await client.GetFromJsonAsync<HealthReportDto>(new Uri("/health/ready", UriKind.Relative));
        Assert.Equal("Degraded", health!.Status);
        Assert.Equal("Degraded", health.Checks["log-integrity"].Status);
        Assert.Contains(election, health.Checks["log-integrity"].Description, StringComparison.Ordinal);
        var critical = factory.Logs.GetSnapshot().Where(r => r.Level == LogLevel.Critical && r.Message.Contains(election, StringComparison.Ordinal)).ToList();
        Assert.Equal(2, critical.Count); // once before a checkpoint, once before anchoring
        Assert.Contains(critical, r => r.Message.Contains("the newest checkpoint (size 40", StringComparison.Ordinal));

        // Asked again, nothing changes and nothing is logged twice.
        Assert.Equal(-1, await restarted.CheckpointAsync(election, CancellationToken.None));
        Assert.False(await restarted.AnchorQueuedAsync(election, CancellationToken.None));
        Assert.Equal(2, factory.Logs.GetSnapshot().Count(r => r.Level == LogLevel.Critical && r.Message.Contains(election, StringComparison.Ordinal)));

        // Restored from a backup, read afresh: checkpointed and anchored as if nothing had happened.
        await RewriteLeafAsync(election, 5, original);
        var restored = Restarted();
        Assert.Equal(45, await restored.CheckpointAsync(election, CancellationToken.None));
        await AnchorAllAsync(restored, election);
        Assert.Equal([30UL, 40UL, 45UL], (await chain.ListAsync(election)).Select(c => c.TreeSize));
        await ServiceReadiness.WaitUntilHealthyAsync(client, TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task A_rewritten_log_whose_checkpoint_row_was_rewritten_to_match_is_caught_against_the_chain()
    {
        using var client = await factory.StartAsync();
        var election = LocalStack.UniqueName("covered");
        var store = new CheckpointStore(factory.Shards);
        var chain = await AnchoredAt30WithCheckpoint40QueuedAsync(election);

        // Leaf 12 rewritten, and the queued checkpoint's root rewritten to the new log's: the log
        // database agrees with itself, only the chain still holds the true root of the first 30.
        await RewriteLeafAsync(election, 12, RandomNumberGenerator.GetBytes(32));
        var restarted = Restarted(out var trees);
        var forgedRoot = await trees.WithTreeAsync(election, tree => tree.RootAt(40), CancellationToken.None);
        await ExecuteOnLogAsync(
            "UPDATE checkpoints SET root = @r WHERE election_id = @e AND tree_size = 40", ("@r", forgedRoot), ("@e", election));

        await factory.RecordVotesAsync(election, 5);
        Assert.Equal(45, await restarted.CheckpointAsync(election, CancellationToken.None)); // the database alone can't tell
        Assert.False(await restarted.AnchorQueuedAsync(election, CancellationToken.None));
        Assert.Equal([30UL], (await chain.ListAsync(election)).Select(c => c.TreeSize));
        var queued = await store.QueuedAsync(election, CancellationToken.None);
        Assert.Equal([40L, 45L], queued.Select(c => c.TreeSize));
        Assert.Contains("the newest checkpoint on chain (size 30)", queued[0].LastError, StringComparison.Ordinal);
        Assert.Null(queued[1].LastError); // nothing after a checkpoint that is not anchored is tried

        var health = await client.GetFromJsonAsync<HealthReportDto>(new Uri("/health/ready", UriKind.Relative));
        Assert.Contains($"[{election}, before anchoring]", health!.Checks["log-integrity"].Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Leaves_cut_from_the_logs_end_and_taken_by_new_ballots_stop_the_running_services_checkpoints_and_anchors()
    {
        using var client = await factory.StartAsync();
        var election = LocalStack.UniqueName("cut");
        var store = new CheckpointStore(factory.Shards);
        var chain = await AnchoredAt30WithCheckpoint40QueuedAsync(election);
        var running = factory.Services.GetRequiredService<CheckpointService>(); // its tree holds the 40 leaves

        // Leaves 35-39 removed and the log's size set back, then 10 new ballots take positions 35-44:
        // the log has grown past the running service's tree, which still holds the removed five.
        await ExecuteOnLogAsync("DELETE FROM merkle_leaves WHERE election_id = @e AND leaf_index >= 35", 5, ("@e", election));
        await ExecuteOnLogAsync("UPDATE merkle_heads SET tree_size = 35, reserved_size = 35 WHERE election_id = @e", ("@e", election));
        await factory.RecordVotesAsync(election, 10);
        Assert.Equal(45, await factory.Log.TreeSizeAsync(election, CancellationToken.None));

        Assert.Equal(-1, await running.CheckpointAsync(election, CancellationToken.None));
        Assert.Equal([30L, 40L], (await store.ListAsync(election, CancellationToken.None)).Select(c => c.TreeSize));
        Assert.False(await running.AnchorQueuedAsync(election, CancellationToken.None));
        Assert.Equal([30UL], (await chain.ListAsync(election)).Select(c => c.TreeSize));
        var health = await client.GetFromJsonAsync<HealthReportDto>(new Uri("/health/ready", UriKind.Relative));
        Assert.Contains($"[{election}, before a checkpoint] The log's first 40 leaves hash to ", health!.Checks["log-integrity"].Description, StringComparison.Ordinal);
    }

    /// <summary>30 ballots checkpointed and anchored, then 10 more checkpointed (size 40) and still queued; returns the chain's view.</summary>
    private async Task<CheckpointAnchorClient> AnchoredAt30WithCheckpoint40QueuedAsync(string election)
    {
        var chain = await factory.Services.GetRequiredService<AnchorContractLocator>().GetAsync(CancellationToken.None);
        var running = factory.Services.GetRequiredService<CheckpointService>();
        await factory.RecordVotesAsync(election, 30);
        Assert.Equal(30, await running.CheckpointAsync(election, CancellationToken.None));
        await AnchorAllAsync(running, election);
        await factory.RecordVotesAsync(election, 10);
        Assert.Equal(40, await running.CheckpointAsync(election, CancellationToken.None));
        return chain;
    }

    private CheckpointService Restarted() => Restarted(out _);

    private CheckpointService Restarted(out MerkleTreeCache trees)
    {
        trees = new MerkleTreeCache(factory.Log);
        return ActivatorUtilities.CreateInstance<CheckpointService>(factory.Services, trees);
    }

    // The service's anchoring account is shared with other audit tests, whose sends may clash with ours.
    private static Task AnchorAllAsync(CheckpointService service, string election) =>
        Eventually.Async(() => service.AnchorQueuedAsync(election, CancellationToken.None), $"the checkpoints of {election} anchored");

    /// <summary>Sets leaf <paramref name="leaf"/>'s ballot hash; returns the one it had.</summary>
    private async Task<byte[]> RewriteLeafAsync(string election, long leaf, byte[] ballotHash)
    {
        await using var connection = await factory.Shards.OpenLogAsync(CancellationToken.None);
        await using var read = new MySqlCommand("SELECT ballot_hash FROM merkle_leaves WHERE election_id = @e AND leaf_index = @l", connection);
        read.Parameters.AddWithValue("@e", election);
        read.Parameters.AddWithValue("@l", leaf);
        var before = (byte[])(await read.ExecuteScalarAsync())!;
        await ExecuteOnLogAsync(
            "UPDATE merkle_leaves SET ballot_hash = @h WHERE election_id = @e AND leaf_index = @l", ("@h", ballotHash), ("@e", election), ("@l", leaf));
        return before;
    }

    private Task ExecuteOnLogAsync(string sql, params (string Name, object Value)[] parameters) => ExecuteOnLogAsync(sql, 1, parameters);

    private async Task ExecuteOnLogAsync(string sql, int rowsChanged, params (string Name, object Value)[] parameters)
    {
        await using var connection = await factory.Shards.OpenLogAsync(CancellationToken.None);
        await using var command = new MySqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        Assert.Equal(rowsChanged, await command.ExecuteNonQueryAsync());
    }
}
