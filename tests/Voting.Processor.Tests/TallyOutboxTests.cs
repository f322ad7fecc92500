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
    /// A backlog left while ClickHouse was down is shipped in rounds. A round's row limit may cut a
    /// batch in two; that batch must wait for the next round whole, since the outbox is cleared by
    /// batch: no count is lost and none counted twice.
    /// </summary>
    [Fact]
    public async Task A_backlog_larger_than_one_round_reaches_ClickHouse_whole()
    {
        await using var factory = new ProcessorFactory();
        await new MySqlSchemaMigrator(factory.Shards, TestLoggers.For<MySqlSchemaMigrator>()).MigrateAsync(MySqlMigrations.All, CancellationToken.None);
        await new ClickHouseSchemaMigrator(factory.Tallies, TestLoggers.For<ClickHouseSchemaMigrator>()).MigrateAsync(CancellationToken.None);
        var election = LocalStack.UniqueName("e");

        // 1,700 batches of 30 rows (one vote each): 51,000 rows, more than one round reads, and the
        // round's limit falls inside a batch.
        const int Batches = 1_700, RowsPerBatch = 30;
        await using (var connection = await factory.Shards.OpenShardAsync(3, CancellationToken.None))
        {
            var insert = new StringBuilder("INSERT INTO tally_outbox (batch_id, election_id, state, candidate, minute, votes) VALUES ");
            for (var batch = 0; batch < Batches; batch++)
            {
                var id = Convert.ToHexString(Guid.NewGuid().ToByteArray());
                for (var row = 0; row < RowsPerBatch; row++)
                {
                    insert.Append(CultureInfo.InvariantCulture, $"{(batch + row == 0 ? "" : ",")}(X'{id}', @e, 'CA', 'c{row}', NULL, 1)");
                }
            }

            await using var command = new MySqlCommand(insert.ToString(), connection);
            command.Parameters.AddWithValue("@e", election);
            await command.ExecuteNonQueryAsync();
        }

        Assert.True(Batches * RowsPerBatch > TallyOutbox.MaxRowsPerShip && TallyOutbox.MaxRowsPerShip % RowsPerBatch != 0, "the first round's limit cuts a batch");
        var outbox = new TallyOutbox(factory.Shards, factory.Tallies);
        var shipped = 0;
        for (var round = 0; round < 3; round++)
        {
            shipped += await outbox.ShipAsync([3], CancellationToken.None);
        }

        Assert.Equal(Batches * RowsPerBatch, shipped);
        var counts = await factory.ClickHouseCountsAsync(election);
        Assert.Equal(Batches * RowsPerBatch, counts.Values.Sum());
        Assert.All(counts.Values, c => Assert.Equal(Batches, c));
        await using var check = await factory.Shards.OpenShardAsync(3, CancellationToken.None);
        await using var left = new MySqlCommand("SELECT COUNT(*) FROM tally_outbox", check);
        Assert.Equal(0L, Convert.ToInt64(await left.ExecuteScalarAsync(), CultureInfo.InvariantCulture));
    }
}
