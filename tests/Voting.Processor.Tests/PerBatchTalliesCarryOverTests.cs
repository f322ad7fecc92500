using MySqlConnector;
using Voting.Infrastructure.ClickHouse;
using Voting.Infrastructure.Storage;
using Voting.TestSupport;

namespace Voting.Processor.Tests;

/// <summary>An upgrade from the per-batch tally tables of ClickHouse schema version 2.</summary>
public sealed class PerBatchTalliesCarryOverTests
{
    /// <summary>
    /// Before the upgrade: batch A shipped and cleared, batch B shipped but still in the outbox (its
    /// processor died before clearing it), batch C in the outbox only. After: each counted once, in
    /// the tallies and the per-minute counts, the old tables gone; running it again changes nothing.
    /// </summary>
    [Fact]
    public async Task Counts_shipped_per_batch_before_the_upgrade_are_carried_over_and_counted_once()
    {
        await using var factory = new ProcessorFactory();
        await TallyOutboxTests.MigrateAsync(factory);
        var database = factory.Tallies.Options.Database;
        var election = LocalStack.UniqueName("e");
        await factory.Tallies.ExecuteAsync(
            $"CREATE TABLE {database}.tallies (election_id String, state String, candidate String, batch_id String, votes UInt64) " +
            "ENGINE = ReplacingMergeTree() ORDER BY (election_id, state, candidate, batch_id)", CancellationToken.None);
        await factory.Tallies.ExecuteAsync(
            $"CREATE TABLE {database}.votes_per_minute (election_id String, minute DateTime('UTC'), state String, batch_id String, votes UInt64) " +
            "ENGINE = ReplacingMergeTree() PARTITION BY toYYYYMMDD(minute) ORDER BY (election_id, minute, state, batch_id)", CancellationToken.None);
        var a = Convert.ToHexString(Guid.NewGuid().ToByteArray());
        var b = Convert.ToHexString(Guid.NewGuid().ToByteArray());
        var c = Convert.ToHexString(Guid.NewGuid().ToByteArray());
        var minute = new DateTime(2026, 11, 3, 14, 7, 0, DateTimeKind.Utc);
        var e = ClickHouseTallyStore.Literal(election);
        await factory.Tallies.ExecuteAsync(
            $"INSERT INTO {database}.tallies VALUES ({e}, 'CA', 'harper', '{a}', 10), ({e}, 'CA', 'morgan', '{a}', 5), ({e}, 'CA', 'harper', '{b}', 3)",
            CancellationToken.None);
        await factory.Tallies.ExecuteAsync(
            $"INSERT INTO {database}.votes_per_minute VALUES ({e}, toDateTime('2026-11-03 14:07:00', 'UTC'), 'CA', '{a}', 15), ({e}, toDateTime('2026-11-03 14:07:00', 'UTC'), 'CA', '{b}', 3)",
            CancellationToken.None);
        await using (var connection = await factory.Shards.OpenShardAsync(4, CancellationToken.None))
        await using (var outbox = new MySqlCommand(
            $"INSERT INTO tally_outbox (batch_id, election_id, state, candidate, minute, votes) VALUES " +
            $"(X'{b}', @e, 'CA', 'harper', NULL, 3), (X'{b}', @e, 'CA', '', @m, 3), " +
            $"(X'{c}', @e, 'CA', 'morgan', NULL, 7), (X'{c}', @e, 'CA', '', @m, 7)", connection))
        {
            outbox.Parameters.AddWithValue("@e", election);
            outbox.Parameters.AddWithValue("@m", minute);
            await outbox.ExecuteNonQueryAsync();
        }

        var carryOver = new PerBatchTalliesCarryOver(factory.Shards, factory.Tallies, TestLoggers.For<PerBatchTalliesCarryOver>());
        Assert.True(await carryOver.RunAsync(CancellationToken.None));
        Assert.False(await carryOver.RunAsync(CancellationToken.None));
        await new TallyOutbox(factory.Shards, factory.Tallies).ShipAllAsync(CancellationToken.None);

        var counts = await factory.ClickHouseCountsAsync(election);
        Assert.Equal(["CA/harper:13", "CA/morgan:12"], counts.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}:{p.Value}"));
        var perMinute = await factory.Tallies.VotesPerMinuteAsync(election, minute.AddHours(-1), CancellationToken.None);
        Assert.Equal([(minute, 25L)], perMinute);
        var tables = await factory.Tallies.QueryAsync(
            $"SELECT name FROM system.tables WHERE database = {ClickHouseTallyStore.Literal(database)} ORDER BY name", CancellationToken.None);
        Assert.Equal(["minute_totals", "schema_migrations", "tally_totals"], tables.Select(t => t.GetProperty("name").GetString()));
        Assert.Equal(0L, await TallyOutboxTests.ScalarAsync(factory, 4, "SELECT COUNT(*) FROM tally_outbox"));
        var byShard = await factory.Tallies.CountsByShardAsync(election, CancellationToken.None);
        Assert.Equal(
            ["4/morgan:7", $"{PerBatchTalliesCarryOver.CarriedOverShard}/harper:13", $"{PerBatchTalliesCarryOver.CarriedOverShard}/morgan:5"],
            byShard.OrderBy(p => p.Key.Shard).ThenBy(p => p.Key.Candidate, StringComparer.Ordinal).Select(p => $"{p.Key.Shard}/{p.Key.Candidate}:{p.Value}"));
    }
}
