using MySqlConnector;
using Voting.Core.Ballots;
using Voting.Core.Sharding;
using Voting.Infrastructure.Storage;
using Voting.TestSupport;

namespace Voting.Infrastructure.Tests;

public sealed class StoredBallotReaderTests(MigratedShardsFixture shards) : IClassFixture<MigratedShardsFixture>
{
    private static readonly string[] States = ["CA", "TX", "WY", "PA", "OH", "DC"];

    /// <summary>
    /// An audit looks up by hash the rows of leaves it found none for (batches still being stored):
    /// wherever a row is, among 16 databases of 64 tables, it is found with where it is, and only rows
    /// of the audited election with one of the hashes asked about.
    /// </summary>
    [Fact]
    public async Task Rows_are_found_by_hash_in_every_database_and_table_and_only_those()
    {
        var audited = await StoreAsync("it-find-a", 1_200);
        var other = await StoreAsync("it-find-b", 40);
        var wanted = audited.Where((_, i) => i % 12 != 0).ToList(); // 1,100: more than one statement's worth of hashes
        List<byte[]> hashes =
        [
            .. wanted.Select(w => w.BallotHash),
            .. other.Select(o => o.BallotHash),                          // right hash, another election
            .. Enumerable.Range(0, 50).Select(i => BallotHash.Compute(Ballot.New("it-find-a", "CA", "nobody"))), // stored nowhere
            wanted[0].BallotHash,                                        // asked twice
        ];

        var reader = new StoredBallotReader(shards.Connections);
        var found = await reader.FindByHashesAsync("it-find-a", hashes, CancellationToken.None);

        Assert.Equal(wanted.Count, found.Count);
        var byId = found.ToDictionary(f => Convert.ToHexString(f.BallotId));
        foreach (var row in wanted)
        {
            var match = byId[Convert.ToHexString(row.BallotId)];
            Assert.Equal(row with { BallotId = match.BallotId, BallotHash = match.BallotHash }, match);
            Assert.Equal(row.BallotHash, match.BallotHash);
        }

        Assert.Equal(ShardLayout.DatabaseCount, found.Select(f => f.Database).Distinct().Count());
        Assert.Equal(ShardLayout.TablesPerDatabase, found.Select(f => f.Table).Distinct().Count());
        Assert.Empty(await reader.FindByHashesAsync("it-find-a", [], CancellationToken.None));

        // The lookup leaves nothing behind on the pooled connections: a second one answers the same.
        Assert.Equal(2, (await reader.FindByHashesAsync("it-find-a", [wanted[5].BallotHash, wanted[900].BallotHash], CancellationToken.None)).Count);
    }

    [Fact]
    public async Task Reading_every_row_several_databases_at_a_time_gives_each_row_once_and_a_failure_as_it_is()
    {
        var stored = await StoreAsync("it-read-all", 700);
        await StoreAsync("it-read-other", 30);
        var reader = new StoredBallotReader(shards.Connections);

        foreach (var parallel in new[] { 1, 4, 16 })
        {
            var read = await reader.ReadAllAsync("it-read-all", parallel, CancellationToken.None).ToListAsync();
            Assert.Equal(
                stored.Select(s => (s.Database, s.Table, Convert.ToHexString(s.BallotId), s.LeafIndex)).Order(),
                read.Select(r => (r.Database, r.Table, Convert.ToHexString(r.BallotId), r.LeafIndex)).Order());
        }

        // Stopping early stops the readers (the enumeration ends, nothing hangs).
        await foreach (var _ in reader.ReadAllAsync("it-read-all", 4, CancellationToken.None))
        {
            break;
        }

        var missing = new StoredBallotReader(new MySql.MySqlShardConnections(LocalStack.MySql(LocalStack.UniqueName("nope") + "_s")));
        var failure = await Assert.ThrowsAsync<MySqlException>(async () => await missing.ReadAllAsync("it-read-all", 4, CancellationToken.None).ToListAsync());
        Assert.Contains("Unknown database", failure.Message, StringComparison.Ordinal);
    }

    /// <summary>Stores <paramref name="count"/> ballots of an election spread over every database and table.</summary>
    private async Task<List<StoredBallot>> StoreAsync(string electionId, int count)
    {
        var stored = new List<StoredBallot>();
        for (var i = 0; i < count; i++)
        {
            var ballot = Ballot.New(electionId, States[i % States.Length], i % 2 == 0 ? "reyes" : "harper");
            var shard = i % ShardLayout.DatabaseCount;
            var table = ShardLayout.BallotTable(i / ShardLayout.DatabaseCount % ShardLayout.TablesPerDatabase);
            stored.Add(new StoredBallot(shards.Connections.DatabaseName(shard), table, electionId, ballot.BallotId, ballot.State, ballot.Candidate, BallotHash.Compute(ballot), i));
        }

        foreach (var database in stored.GroupBy(s => s.Database))
        {
            var shard = Enumerable.Range(0, ShardLayout.DatabaseCount).Single(s => shards.Connections.DatabaseName(s) == database.Key);
            await using var connection = await shards.Connections.OpenShardAsync(shard, CancellationToken.None);
            foreach (var row in database)
            {
                await BallotRows.InsertAsync(connection, row);
            }
        }

        return stored;
    }
}
