using Microsoft.Extensions.Options;
using MySqlConnector;
using Voting.Console.Blazor.Shards;
using Voting.Core.Sharding;
using Voting.Infrastructure.MySql;
using Voting.Infrastructure.Storage;
using Voting.TestSupport;

namespace Voting.Console.Blazor.Tests.Sources;

/// <summary>The shard probe against the real MariaDB.</summary>
public sealed class ShardSourceTests : IAsyncLifetime
{
    /// <summary>
    /// Probes given 15 s, not the console's 3: on a loaded machine (every test project at once) opening
    /// 17 connections and reading 1,024 tables' statistics can take longer, and these tests are about
    /// what a probe reads, not how fast (but the one about a shard that never answers).
    /// </summary>
    private static readonly IOptions<ConsoleOptions> Patient = Options.Create(new ConsoleOptions { ShardProbeMilliseconds = 15_000 });

    private readonly MySqlShardConnections shards = new(LocalStack.MySql(LocalStack.UniqueName("itc") + "_s"));

    public async Task InitializeAsync()
    {
        var migrator = new MySqlSchemaMigrator(shards, TestLoggers.For<MySqlSchemaMigrator>());
        await migrator.MigrateAsync(MySqlMigrations.All, CancellationToken.None);
        await migrator.MigrateLogAsync(MerkleLogMigrations.All, CancellationToken.None);
    }

    public Task DisposeAsync() => TestStores.DropAsync(shards);

    [Fact]
    public async Task Every_shard_reports_its_ballot_rows_per_table_and_an_unreachable_one_says_why()
    {
        string[] states = ["OH", "CA", "TX", "WY", "PA"];
        var votes = Enumerable.Range(0, 60).Select(i => TestVotes.For("e-shards", $"voter-{i}", states[i % states.Length], "harper")).ToList();
        await ProcessorWrites.RecordAsync(shards, votes);

        var snapshot = await new ShardSource(shards, Patient).ReadAsync(CancellationToken.None);

        Assert.Equal(ShardLayout.DatabaseCount, snapshot.Shards.Count);
        Assert.Equal(0, snapshot.Unreachable);
        Assert.Equal(votes.Count, snapshot.BallotRows);
        foreach (var group in votes.GroupBy(v => ShardRouter.DatabaseFor(v.State)))
        {
            Assert.Equal(group.Count(), snapshot.Shards[group.Key].BallotRows);
        }

        Assert.All(snapshot.Shards, s => Assert.Equal(ShardLayout.TablesPerDatabase, s.BallotRowsPerTable.Count));

        // The Merkle log's database is probed beside them: every ballot's leaf, no range left open.
        var log = Assert.IsType<MerkleLogHealth>(snapshot.Log);
        Assert.Equal((shards.LogDatabaseName, true, (long)votes.Count, 0), (log.Database, log.Reachable, log.Leaves, log.OpenRanges));

        // Shard 5 on a server that isn't there: it alone is reported, with the reason (refused at once).
        var broken = LocalStack.MySql(shards.Options.DatabasePrefix);
        broken.ShardConnectionStrings[5] = "Server=127.0.0.1;Port=1;User ID=voting;Password=voting;SslMode=None;Connection Timeout=2";
        var started = DateTime.UtcNow;
        var partial = await new ShardSource(new MySqlShardConnections(broken), Patient).ReadAsync(CancellationToken.None);

        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(10));
        Assert.Equal(1, partial.Unreachable);
        Assert.False(partial.Shards[5].Reachable);
        Assert.False(string.IsNullOrEmpty(partial.Shards[5].Error));
        Assert.Equal(votes.Count - snapshot.Shards[5].BallotRows, partial.BallotRows);
        Assert.True(partial.Log!.Reachable);
    }

    [Fact]
    public async Task A_shard_that_accepts_and_never_answers_is_reported_once_the_probe_time_is_up()
    {
        var server = new MySqlConnectionStringBuilder(shards.Options.ShardConnectionStrings.GetValueOrDefault(5, shards.Options.ConnectionString));
        await using var hung = new FreezableTcpProxy((int)server.Port);
        hung.Freeze(); // connections are taken, nothing comes back
        var options = LocalStack.MySql(shards.Options.DatabasePrefix);
        options.ShardConnectionStrings[5] = new MySqlConnectionStringBuilder(server.ConnectionString) { Server = "127.0.0.1", Port = (uint)hung.Port, ConnectionTimeout = 60 }.ConnectionString;

        var started = DateTime.UtcNow;
        var snapshot = await new ShardSource(new MySqlShardConnections(options), Options.Create(new ConsoleOptions { ShardProbeMilliseconds = 1_500 })).ReadAsync(CancellationToken.None);

        Assert.InRange((DateTime.UtcNow - started).TotalSeconds, 1.4, 30); // the probe's time, not the driver's 60 s
        Assert.False(snapshot.Shards[5].Reachable);
        Assert.Equal("no answer within 1.5 s", snapshot.Shards[5].Error);
        hung.Thaw();
    }

    [Fact]
    public async Task The_log_database_reports_ranges_being_filled_and_a_log_server_that_is_down_says_why()
    {
        var reservations = new MerkleLogReservations(shards);
        await using (var open = await reservations.ReserveAsync("e-log", 5, CancellationToken.None))
        {
            await Task.Delay(1_100);
            var log = (await new ShardSource(shards, Patient).ReadAsync(CancellationToken.None)).Log!;
            Assert.Equal((true, 0L, 1), (log.Reachable, log.Leaves, log.OpenRanges));
            Assert.InRange(log.OldestOpenRangeSeconds, 1.0, 60.0);
        }

        // The log on a server that isn't there: the log alone is reported, with the reason; the shards still answer.
        var options = LocalStack.MySql(shards.Options.DatabasePrefix);
        options.LogConnectionString = "Server=127.0.0.1;Port=1;User ID=voting;Password=voting;SslMode=None;Connection Timeout=2";
        var started = DateTime.UtcNow;
        var snapshot = await new ShardSource(new MySqlShardConnections(options), Patient).ReadAsync(CancellationToken.None);

        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(10));
        Assert.Equal(0, snapshot.Unreachable);
        Assert.False(snapshot.Log!.Reachable);
        Assert.False(string.IsNullOrEmpty(snapshot.Log.Error));
        Assert.Equal(shards.LogDatabaseName, snapshot.Log.Database);
    }
}
