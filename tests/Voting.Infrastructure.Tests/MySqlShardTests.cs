using MySqlConnector;
using Voting.Core.Identity;
using Voting.Core.Sharding;
using Voting.Infrastructure.MySql;

namespace Voting.Infrastructure.Tests;

public sealed class MySqlShardTests(MigratedShardsFixture shards) : IClassFixture<MigratedShardsFixture>
{
    private readonly MySqlShardConnections connections = shards.Connections;

    [Fact]
    public async Task Migration_creates_16_databases_of_64_participation_and_64_ballot_tables_and_is_idempotent()
    {
        var migrator = shards.NewMigrator();
        Assert.Equal(MySqlMigrations.All.Max(m => m.Version), await migrator.CurrentVersionAsync(CancellationToken.None));
        Assert.Equal(0, await migrator.MigrateAsync(MySqlMigrations.All, CancellationToken.None));

        await using var connection = await connections.OpenServerAsync(0, CancellationToken.None);
        await using var count = new MySqlCommand(
            """
            SELECT SUM(table_name LIKE 'participation\_%'), SUM(table_name LIKE 'ballots\_%'), COUNT(DISTINCT table_schema)
            FROM information_schema.tables WHERE table_schema LIKE @prefix
            """,
            connection);
        count.Parameters.AddWithValue("@prefix", connections.Options.DatabasePrefix.Replace("_", "\\_", StringComparison.Ordinal) + "%");
        await using var reader = await count.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.Equal(16 * 64, reader.GetInt64(0));
        Assert.Equal(16 * 64, reader.GetInt64(1));
        Assert.Equal(16, reader.GetInt64(2));
    }

    [Fact]
    public void Racing_migrators_apply_each_step_exactly_once()
    {
        Assert.Equal(ShardLayout.DatabaseCount * MySqlMigrations.All.Count, shards.AppliedByRacingMigrators.Sum());
    }

    [Fact]
    public async Task The_unique_key_on_the_pseudonym_lets_a_voter_participate_once()
    {
        var secret = new byte[32];
        var pseudonym = VoterPseudonym.Compute(secret, "it-election", "voter-42");
        var address = ShardRouter.Route("OH", pseudonym);
        await using var connection = await connections.OpenShardAsync(address.Database, CancellationToken.None);
        var insert = $"""
            INSERT IGNORE INTO `{ShardLayout.ParticipationTable(address.Table)}` (election_id, pseudonym, state, recorded_hour)
            VALUES ('it-election', @p, 'OH', '2028-11-07 20:00:00')
            """;

        Assert.Equal(1, await ExecuteAsync(connection, insert, pseudonym));
        Assert.Equal(0, await ExecuteAsync(connection, insert, pseudonym));

        await using var strict = new MySqlCommand(insert.Replace("INSERT IGNORE", "INSERT", StringComparison.Ordinal), connection);
        strict.Parameters.AddWithValue("@p", pseudonym);
        var duplicate = await Assert.ThrowsAsync<MySqlException>(() => strict.ExecuteNonQueryAsync());
        Assert.Equal(MySqlErrorCode.DuplicateKeyEntry, duplicate.ErrorCode);

        await using var read = new MySqlCommand(
            $"SELECT state FROM `{ShardLayout.ParticipationTable(address.Table)}` WHERE election_id = 'it-election' AND pseudonym = @p", connection);
        read.Parameters.AddWithValue("@p", pseudonym);
        Assert.Equal("OH", await read.ExecuteScalarAsync());
    }

    [Fact]
    public async Task One_lookup_answers_for_many_voters_across_shard_databases_tables_and_elections()
    {
        var secret = new byte[32];
        string[] states = ["OH", "CA", "TX", "WY", "DC", "PA", "NY", "FL"];
        var voters = Enumerable.Range(0, 80)
            .Select(i => (ElectionId: i % 3 == 0 ? "it-lookup-b" : "it-lookup-a", State: states[i % states.Length], Id: "lookup-voter-" + i))
            .Select(v => (v.ElectionId, v.State, Pseudonym: VoterPseudonym.Compute(secret, v.ElectionId, v.Id)))
            .ToList();
        var votedOnes = Enumerable.Range(0, voters.Count).Where(i => i % 4 == 1 || i % 7 == 0).ToHashSet();
        foreach (var i in votedOnes)
        {
            var (election, state, pseudonym) = voters[i];
            var address = ShardRouter.Route(state, pseudonym);
            await using var connection = await connections.OpenShardAsync(address.Database, CancellationToken.None);
            Assert.Equal(1, await ExecuteAsync(connection, $"""
                INSERT INTO `{ShardLayout.ParticipationTable(address.Table)}` (election_id, pseudonym, state, recorded_hour)
                VALUES ('{election}', @p, '{state}', '2028-11-07 20:00:00')
                """, pseudonym));
        }

        // The same pseudonym in the other election has not voted there.
        var other = (ElectionId: "it-lookup-c", voters[1].Pseudonym);
        var lookup = new ParticipationLookup(connections);
        var answers = await lookup.WhichVotedAsync(
            [.. voters.Select(v => (v.ElectionId, v.Pseudonym)), (other.ElectionId, other.Pseudonym)], CancellationToken.None);

        Assert.Equal(voters.Count + 1, answers.Length);
        Assert.Equal(Enumerable.Range(0, voters.Count).Select(votedOnes.Contains).Append(false), answers);
        Assert.True(voters.Select(v => ShardRouter.DatabaseFor(v.State)).Distinct().Count() > 4, "the voters should span several shard databases");
    }

    [Fact]
    public async Task Ballot_rows_are_written_and_read_back_by_their_own_random_id()
    {
        var ballotId = Guid.NewGuid().ToByteArray();
        var hash = System.Security.Cryptography.SHA256.HashData(ballotId);
        var address = ShardRouter.Route("WY", ballotId);
        await using var connection = await connections.OpenShardAsync(address.Database, CancellationToken.None);
        await using (var insert = new MySqlCommand(
            $"""
            INSERT INTO `{ShardLayout.BallotTable(address.Table)}` (election_id, ballot_id, state, candidate, ballot_hash, recorded_hour)
            VALUES ('it-election', @id, 'WY', 'candidate-a', @hash, '2028-11-07 20:00:00')
            """, connection))
        {
            insert.Parameters.AddWithValue("@id", ballotId);
            insert.Parameters.AddWithValue("@hash", hash);
            Assert.Equal(1, await insert.ExecuteNonQueryAsync());
        }

        await using var read = new MySqlCommand(
            $"SELECT candidate, ballot_hash FROM `{ShardLayout.BallotTable(address.Table)}` WHERE election_id = 'it-election' AND ballot_id = @id",
            connection);
        read.Parameters.AddWithValue("@id", ballotId);
        await using var reader = await read.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.Equal("candidate-a", reader.GetString(0));
        Assert.Equal(hash, (byte[])reader[1]);
    }

    [Fact]
    public async Task No_table_holds_both_a_voter_key_and_a_choice_and_no_ballot_id_is_sequential()
    {
        await using var connection = await connections.OpenServerAsync(0, CancellationToken.None);
        await using var columns = new MySqlCommand(
            """
            SELECT table_name, GROUP_CONCAT(column_name), MAX(extra LIKE '%auto_increment%')
            FROM information_schema.columns WHERE table_schema = @db GROUP BY table_name
            """,
            connection);
        columns.Parameters.AddWithValue("@db", connections.DatabaseName(0));
        await using var reader = await columns.ExecuteReaderAsync();
        var tables = 0;
        while (await reader.ReadAsync())
        {
            tables++;
            var names = reader.GetString(1).Split(',');
            var voterKey = names.Any(n => n.Contains("pseudonym", StringComparison.Ordinal) || n.Contains("voter", StringComparison.Ordinal));
            var choice = names.Any(n => n.Contains("candidate", StringComparison.Ordinal) || n.Contains("choice", StringComparison.Ordinal));
            Assert.False(voterKey && choice, $"{reader.GetString(0)} links a voter key to a choice: {reader.GetString(1)}");
            Assert.Equal(0, reader.GetInt64(2));
        }

        Assert.Equal(2 * 64 + 4, tables); // + schema_migrations, tally_outbox, tally_totals, minute_totals
    }

    private static async Task<int> ExecuteAsync(MySqlConnection connection, string sql, byte[] pseudonym)
    {
        await using var command = new MySqlCommand(sql, connection);
        command.Parameters.AddWithValue("@p", pseudonym);
        return await command.ExecuteNonQueryAsync();
    }
}
