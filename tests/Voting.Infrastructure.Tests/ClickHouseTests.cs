using Voting.Infrastructure.ClickHouse;
using Voting.TestSupport;

namespace Voting.Infrastructure.Tests;

public sealed class ClickHouseTests : IAsyncLifetime
{
    private static readonly IReadOnlyDictionary<string, string> TallyColumnTypes = new Dictionary<string, string>
    {
        ["election_id"] = "String", ["state"] = "String", ["candidate"] = "String", ["batch_id"] = "String", ["votes"] = "UInt64",
    };

    private readonly ClickHouseTallyStore store = new(LocalStack.ClickHouse(LocalStack.UniqueName("it")));

    public Task InitializeAsync() =>
        new ClickHouseSchemaMigrator(store, TestLoggers.For<ClickHouseSchemaMigrator>()).MigrateAsync(CancellationToken.None);

    public async Task DisposeAsync()
    {
        await store.ExecuteAsync($"DROP DATABASE IF EXISTS {store.Options.Database}", CancellationToken.None);
        store.Dispose();
    }

    [Fact]
    public async Task Batches_shipped_twice_count_once_and_counts_sum_per_candidate()
    {
        string[] columns = ["election_id", "state", "candidate", "batch_id", "votes"];
        object[][] batchA = [["e1", "PA", "alice", "A", 3UL], ["e1", "PA", "bob", "A", 2UL], ["e1", "OH", "alice", "A", 1UL]];
        await store.InsertAsync("tallies", columns, TallyColumnTypes, batchA, CancellationToken.None);
        await store.InsertAsync("tallies", columns, TallyColumnTypes, batchA, CancellationToken.None); // a crash before the outbox was cleared
        await store.InsertAsync("tallies", columns, TallyColumnTypes,
            [["e1", "PA", "alice", "B", 4UL], ["e2", "PA", "alice", "B", 100UL]], CancellationToken.None);

        var rows = await store.QueryAsync(
            $"SELECT candidate, sum(votes) AS votes FROM {store.Options.Database}.tallies FINAL WHERE election_id = {ClickHouseTallyStore.Literal("e1")} GROUP BY candidate ORDER BY candidate",
            CancellationToken.None);

        Assert.Equal(["alice:8", "bob:2"], rows.Select(r => $"{r.GetProperty("candidate").GetString()}:{r.GetProperty("votes")}"));
    }

    [Fact]
    public async Task Migration_is_idempotent_and_records_its_version()
    {
        await new ClickHouseSchemaMigrator(store, TestLoggers.For<ClickHouseSchemaMigrator>()).MigrateAsync(CancellationToken.None);
        var versions = await store.QueryAsync($"SELECT version FROM {store.Options.Database}.schema_migrations FINAL", CancellationToken.None);
        Assert.Single(versions);
        var tables = await store.QueryAsync(
            $"SELECT name FROM system.tables WHERE database = {ClickHouseTallyStore.Literal(store.Options.Database)} ORDER BY name", CancellationToken.None);
        Assert.Equal(["schema_migrations", "tallies", "votes_per_minute"], tables.Select(t => t.GetProperty("name").GetString()));
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
