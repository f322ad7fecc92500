using Voting.Infrastructure.ClickHouse;
using Voting.TestSupport;

namespace Voting.Infrastructure.Tests;

public sealed class ClickHouseTests : IAsyncLifetime
{
    private static readonly string[] TallyColumns = ["election_id", "shard", "state", "candidate", "votes", "version"];

    private static readonly IReadOnlyDictionary<string, string> TallyColumnTypes = new Dictionary<string, string>
    {
        ["election_id"] = "String", ["shard"] = "UInt8", ["state"] = "String", ["candidate"] = "String", ["votes"] = "UInt64", ["version"] = "UInt64",
    };

    private readonly ClickHouseTallyStore store = new(LocalStack.ClickHouse(LocalStack.UniqueName("it")));

    public Task InitializeAsync() =>
        new ClickHouseSchemaMigrator(store, TestLoggers.For<ClickHouseSchemaMigrator>()).MigrateAsync(CancellationToken.None);

    public async Task DisposeAsync()
    {
        await store.ExecuteAsync($"DROP DATABASE IF EXISTS {store.Options.Database}", CancellationToken.None);
        store.Dispose();
    }

    /// <summary>
    /// Running totals arrive again (a crash before the shard recorded the ship) and out of order (a
    /// slower processor instance): each shard's newest version counts, once, summed over shards.
    /// </summary>
    [Fact]
    public async Task Each_shards_newest_total_counts_once_however_often_and_late_it_arrives()
    {
        object[][] version2 = [["e1", (byte)3, "PA", "alice", 5UL, 2UL], ["e1", (byte)3, "PA", "bob", 2UL, 1UL]];
        await store.InsertAsync("tally_totals", TallyColumns, TallyColumnTypes, version2, CancellationToken.None);
        await store.InsertAsync("tally_totals", TallyColumns, TallyColumnTypes, version2, CancellationToken.None); // shipped again
        await store.InsertAsync("tally_totals", TallyColumns, TallyColumnTypes, [["e1", (byte)3, "PA", "alice", 3UL, 1UL]], CancellationToken.None); // an older copy, late
        await store.InsertAsync("tally_totals", TallyColumns, TallyColumnTypes,
            [["e1", (byte)9, "PA", "alice", 4UL, 7UL], ["e2", (byte)3, "PA", "alice", 100UL, 9UL]], CancellationToken.None);

        var counts = await store.CountsAsync("e1", CancellationToken.None);

        Assert.Equal(["PA/alice:9", "PA/bob:2"], counts.OrderBy(c => c.Key.Candidate, StringComparer.Ordinal).Select(c => $"{c.Key.State}/{c.Key.Candidate}:{c.Value}"));
        var byShard = await store.CountsByShardAsync("e1", CancellationToken.None);
        Assert.Equal(5, byShard[(3, "PA", "alice")]);
        Assert.Equal(4, byShard[(9, "PA", "alice")]);
    }

    /// <summary>
    /// What rebuild-tallies deletes: of each named shard and pair, the versions from the one given up,
    /// and nothing else, however many pairs (more than one statement's worth), once ClickHouse has
    /// applied the deletion.
    /// </summary>
    [Fact]
    public async Task Deleting_totals_removes_exactly_the_named_rows_from_their_version_up()
    {
        const int Pairs = 4_000;
        var rows = Enumerable.Range(0, Pairs).SelectMany(i => new[]
        {
            new object[] { "e1", (byte)(i % 16), "PA", $"c{i}", 10UL, 1UL },
            new object[] { "e1", (byte)(i % 16), "PA", $"c{i}", 99UL, 5UL },
        }).Append(["e2", (byte)0, "PA", "c0", 7UL, 5UL]);
        await store.InsertAsync("tally_totals", TallyColumns, TallyColumnTypes, rows, CancellationToken.None);

        // Every pair's version 5 and up; the last pair whole (from version 0).
        var doomed = Enumerable.Range(0, Pairs).Select(i => (i % 16, "PA", $"c{i}", i == Pairs - 1 ? 0UL : 5UL)).ToList();
        await store.DeleteTotalsAsync("e1", doomed, TimeSpan.FromSeconds(60), CancellationToken.None);

        var left = await store.ShippedTotalsAsync("e1", CancellationToken.None);
        Assert.Equal(Pairs - 1, left.Count);
        Assert.All(left, r => Assert.Equal((10UL, 1UL), (r.Votes, r.Version)));
        Assert.DoesNotContain(left, r => r.Candidate == $"c{Pairs - 1}");
        Assert.Equal(7, (await store.CountsAsync("e2", CancellationToken.None))[("PA", "c0")]);
    }

    [Fact]
    public async Task Migration_is_idempotent_and_records_its_version()
    {
        await new ClickHouseSchemaMigrator(store, TestLoggers.For<ClickHouseSchemaMigrator>()).MigrateAsync(CancellationToken.None);
        var versions = await store.QueryAsync($"SELECT version FROM {store.Options.Database}.schema_migrations FINAL", CancellationToken.None);
        Assert.Single(versions);
        var tables = await store.QueryAsync(
            $"SELECT name FROM system.tables WHERE database = {ClickHouseTallyStore.Literal(store.Options.Database)} ORDER BY name", CancellationToken.None);
        Assert.Equal(["minute_totals", "schema_migrations", "tally_totals"], tables.Select(t => t.GetProperty("name").GetString()));
    }

    [Fact]
    public async Task Literals_escape_quotes_and_backslashes_so_values_cannot_break_out()
    {
        var tricky = "x' OR 1=1 --\\";
        var rows = await store.QueryAsync($"SELECT {ClickHouseTallyStore.Literal(tricky)} AS v", CancellationToken.None);
        Assert.Equal(tricky, rows.Single().GetProperty("v").GetString());
    }

    [Fact]
    public async Task Server_version_is_reported()
    {
        Assert.Matches(@"^\d+\.\d+", await store.VersionAsync(CancellationToken.None));
    }
}
