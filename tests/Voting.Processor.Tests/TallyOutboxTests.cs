using System.Globalization;
using System.Text;
using MySqlConnector;
using Voting.Infrastructure.ClickHouse;
using Voting.Infrastructure.MySql;
using Voting.Infrastructure.Storage;
using Voting.TestSupport;

namespace Voting.Processor.Tests;

public sealed class TallyOutboxTests
{
    [Fact]
    public async Task Counts_committed_with_ballots_but_never_shipped_reach_ClickHouse_when_a_processor_starts()
    {
        await using var factory = new ProcessorFactory();
        // A predecessor stored a batch and died before shipping its counts.
        var migrator = new MySqlSchemaMigrator(factory.Shards, TestLoggers.For<MySqlSchemaMigrator>());
        await migrator.MigrateAsync(MySqlMigrations.All, CancellationToken.None);
        await migrator.MigrateLogAsync(MerkleLogMigrations.All, CancellationToken.None);
        var election = LocalStack.UniqueName("e");
        var outcome = await ProcessorWrites.RecordAsync(factory.Shards, ProcessorFactory.Votes(election, 90, ["harper", "morgan"]));
        Assert.Equal(90, outcome.Stored.Count);

        using var client = await factory.StartAsync();

        await ProcessorFactory.EventuallyAsync(async () => (await factory.ClickHouseCountsAsync(election)).Values.Sum() == 90, "90 votes tallied after start");
        Assert.Equal(
            (await factory.MySqlCountsAsync(election)).OrderBy(p => p.Key, StringComparer.Ordinal),
            (await factory.ClickHouseCountsAsync(election)).OrderBy(p => p.Key, StringComparer.Ordinal));
    }

    /// <summary>
    /// A backlog left while ClickHouse was down is folded in rounds. A round's row limit may cut a
    /// batch in two; that batch must wait for the next round whole, since the outbox is cleared by
    /// batch: no count is lost and none counted twice.
    /// </summary>
    [Fact]
    public async Task A_backlog_larger_than_one_round_reaches_ClickHouse_whole()
    {
        await using var factory = new ProcessorFactory();
        await MigrateAsync(factory);
        var election = LocalStack.UniqueName("e");

        // 1,700 batches of 30 rows (one vote each): 51,000 rows, more than one round reads, and the
        // round's limit falls inside a batch.
        const int Batches = 1_700, RowsPerBatch = 30;
        await FillOutboxAsync(factory, 3, election, Batches, RowsPerBatch);

        Assert.True(Batches * RowsPerBatch > TallyOutbox.MaxRowsPerShip && TallyOutbox.MaxRowsPerShip % RowsPerBatch != 0, "the first round's limit cuts a batch");
        var outbox = new TallyOutbox(factory.Shards, factory.Tallies);
        var folded = 0;
        for (var round = 0; round < 3; round++)
        {
            folded += await outbox.ShipAsync([3], CancellationToken.None);
        }

        Assert.Equal(Batches * RowsPerBatch, folded);
        var counts = await factory.ClickHouseCountsAsync(election);
        Assert.Equal(Batches * RowsPerBatch, counts.Values.Sum());
        Assert.All(counts.Values, c => Assert.Equal(Batches, c));
        Assert.Equal(0L, await ScalarAsync(factory, 3, "SELECT COUNT(*) FROM tally_outbox"));
    }

    /// <summary>
    /// The point of running totals: however many batches are shipped, ClickHouse holds one row per
    /// shard, state and candidate (and per minute), so results cost the same at the end of the day.
    /// </summary>
    [Fact]
    public async Task ClickHouse_keeps_one_row_per_shard_and_pair_however_many_batches_are_shipped()
    {
        await using var factory = new ProcessorFactory();
        await MigrateAsync(factory);
        await MigrateLogAsync(factory);
        var election = LocalStack.UniqueName("e");
        string[] candidates = ["harper", "morgan", "reyes"];
        var outbox = new TallyOutbox(factory.Shards, factory.Tallies);
        const int Rounds = 40, VotesPerRound = 30;
        for (var round = 0; round < Rounds; round++)
        {
            var outcome = await ProcessorWrites.RecordAsync(factory.Shards, ProcessorFactory.Votes(election, VotesPerRound, candidates, round * VotesPerRound));
            await outbox.ShipAsync(outcome.Shards, CancellationToken.None);
        }

        Assert.Equal(
            (await factory.MySqlCountsAsync(election)).OrderBy(p => p.Key, StringComparer.Ordinal),
            (await factory.ClickHouseCountsAsync(election)).OrderBy(p => p.Key, StringComparer.Ordinal));
        Assert.Equal(Rounds * VotesPerRound, (await factory.ClickHouseCountsAsync(election)).Values.Sum());

        var database = factory.Tallies.Options.Database;
        var pairs = (await factory.Tallies.CountsByShardAsync(election, CancellationToken.None)).Count;
        await factory.Tallies.ExecuteAsync($"OPTIMIZE TABLE {database}.tally_totals FINAL", CancellationToken.None);
        var rows = await factory.Tallies.QueryAsync($"SELECT count() AS n FROM {database}.tally_totals WHERE election_id = {ClickHouseTallyStore.Literal(election)}", CancellationToken.None);
        Assert.True(pairs <= 51 * candidates.Length, $"{pairs} shard/state/candidate rows");
        Assert.Equal(pairs.ToString(CultureInfo.InvariantCulture), rows[0].GetProperty("n").ToString());
        Assert.Equal(Rounds * VotesPerRound, (await factory.ClickHouseCountsAsync(election)).Values.Sum());
    }

    /// <summary>
    /// A processor dies after ClickHouse took the totals and before the shard recorded it: the next
    /// round ships the same versions again, and nothing is counted twice.
    /// </summary>
    [Fact]
    public async Task Totals_shipped_again_after_a_crash_before_the_record_count_once()
    {
        await using var factory = new ProcessorFactory();
        await MigrateAsync(factory);
        var election = LocalStack.UniqueName("e");
        await FillOutboxAsync(factory, 5, election, batches: 20, rowsPerBatch: 4);
        var outbox = new TallyOutbox(factory.Shards, factory.Tallies);
        await outbox.ShipAsync([5], CancellationToken.None);
        Assert.Equal(80, (await factory.ClickHouseCountsAsync(election)).Values.Sum());

        // As if the record never happened.
        await ScalarAsync(factory, 5, "UPDATE tally_totals SET shipped_version = 0");
        Assert.Equal(4L, await ScalarAsync(factory, 5, "SELECT COUNT(*) FROM tally_totals WHERE unshipped = 1"));
        await outbox.ShipAsync([5], CancellationToken.None);
        await FillOutboxAsync(factory, 5, election, batches: 1, rowsPerBatch: 4);
        await outbox.ShipAsync([5], CancellationToken.None);

        var counts = await factory.ClickHouseCountsAsync(election);
        Assert.Equal(84, counts.Values.Sum());
        Assert.All(counts.Values, c => Assert.Equal(21, c));
        Assert.Equal(0L, await ScalarAsync(factory, 5, "SELECT COUNT(*) FROM tally_totals WHERE unshipped = 1"));
    }

    /// <summary>Two processor instances fold and ship the same shard at once: every count once.</summary>
    [Fact]
    public async Task Two_instances_folding_one_shard_at_once_count_every_vote_once()
    {
        await using var factory = new ProcessorFactory();
        await MigrateAsync(factory);
        var election = LocalStack.UniqueName("e");
        var first = new TallyOutbox(factory.Shards, factory.Tallies);
        using var secondStore = new ClickHouseTallyStore(factory.Tallies.Options);
        var second = new TallyOutbox(factory.Shards, secondStore);
        var filling = Task.Run(async () =>
        {
            for (var i = 0; i < 20; i++)
            {
                await FillOutboxAsync(factory, 2, election, batches: 50, rowsPerBatch: 6);
            }
        });
        async Task ShipUntilFilledAsync(TallyOutbox outbox)
        {
            while (!filling.IsCompleted)
            {
                await outbox.ShipAsync([2], CancellationToken.None);
            }
        }

        await Task.WhenAll(filling, ShipUntilFilledAsync(first), ShipUntilFilledAsync(second));
        await Task.WhenAll(first.ShipAsync([2], CancellationToken.None), second.ShipAsync([2], CancellationToken.None));
        await first.ShipAsync([2], CancellationToken.None);

        var counts = await factory.ClickHouseCountsAsync(election);
        Assert.Equal(20 * 50 * 6, counts.Values.Sum());
        Assert.All(counts.Values, c => Assert.Equal(20 * 50, c));
        Assert.Equal(0L, await ScalarAsync(factory, 2, "SELECT COUNT(*) FROM tally_outbox"));
    }

    internal static async Task MigrateAsync(ProcessorFactory factory)
    {
        await new MySqlSchemaMigrator(factory.Shards, TestLoggers.For<MySqlSchemaMigrator>()).MigrateAsync(MySqlMigrations.All, CancellationToken.None);
        await new ClickHouseSchemaMigrator(factory.Tallies, TestLoggers.For<ClickHouseSchemaMigrator>()).MigrateAsync(CancellationToken.None);
    }

    internal static Task<int> MigrateLogAsync(ProcessorFactory factory) =>
        new MySqlSchemaMigrator(factory.Shards, TestLoggers.For<MySqlSchemaMigrator>()).MigrateLogAsync(MerkleLogMigrations.All, CancellationToken.None);

    /// <summary>Outbox rows as batches leave them: <paramref name="rowsPerBatch"/> candidates in CA with one vote each, and no minutes.</summary>
    internal static async Task FillOutboxAsync(ProcessorFactory factory, int shard, string election, int batches, int rowsPerBatch)
    {
        await using var connection = await factory.Shards.OpenShardAsync(shard, CancellationToken.None);
        var insert = new StringBuilder("INSERT INTO tally_outbox (batch_id, election_id, state, candidate, minute, votes) VALUES ");
        for (var batch = 0; batch < batches; batch++)
        {
            var id = Convert.ToHexString(Guid.NewGuid().ToByteArray());
            for (var row = 0; row < rowsPerBatch; row++)
            {
                insert.Append(CultureInfo.InvariantCulture, $"{(batch + row == 0 ? "" : ",")}(X'{id}', @e, 'CA', 'c{row}', NULL, 1)");
            }
        }

        await using var command = new MySqlCommand(insert.ToString(), connection);
        command.Parameters.AddWithValue("@e", election);
        await command.ExecuteNonQueryAsync();
    }

    internal static async Task<long> ScalarAsync(ProcessorFactory factory, int shard, string sql)
    {
        await using var connection = await factory.Shards.OpenShardAsync(shard, CancellationToken.None);
        await using var command = new MySqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync() ?? 0L, CultureInfo.InvariantCulture);
    }
}
