using MySqlConnector;
using Voting.Core.Sharding;
using Voting.Infrastructure.MySql;

namespace Voting.Infrastructure.Tests;

/// <summary>
/// The processor's bulk statements write plain text as literals and anything else as parameters:
/// either way, on the real MariaDB, a value must come back exactly as it went in, and no value can
/// change the statement.
/// </summary>
public sealed class ShardStatementTests(MigratedShardsFixture shards) : IClassFixture<MigratedShardsFixture>
{
    [Theory]
    [InlineData("harper", true)]
    [InlineData("Write-in_1.2: J Doe", true)]
    [InlineData("O'Brien", false)]
    [InlineData("x'); DROP TABLE ballots_00; --", false)]
    [InlineData("back\\slash\\", false)]
    [InlineData("\"quoted\" `ticked`", false)]
    [InlineData("Zoë Ngô", false)]
    [InlineData("", true)]
    public async Task Text_is_stored_exactly_as_given_whether_written_as_a_literal_or_a_parameter(string candidate, bool literal)
    {
        var ballotId = Guid.NewGuid().ToByteArray();
        var table = ShardLayout.BallotTable(ShardRouter.TableFor(ballotId));
        var statement = new ShardStatement()
            .Append($"INSERT INTO `{table}` (election_id, ballot_id, state, candidate, ballot_hash, recorded_hour, leaf_index) VALUES (")
            .Text("it-statement").Append(",").Bytes(ballotId).Append(",").Text("OH").Append(",").Text(candidate).Append(",")
            .Bytes(System.Security.Cryptography.SHA256.HashData(ballotId)).Append(",").Time(new DateTime(2028, 11, 7, 20, 0, 0, DateTimeKind.Utc))
            .Append(",").Number(7).Append(")");

        await using var connection = await shards.Connections.OpenShardAsync(0, CancellationToken.None);
        await using (var insert = statement.ToCommand(connection, null))
        {
            Assert.Equal(literal ? 0 : 1, insert.Parameters.Count);
            Assert.Equal(1, await insert.ExecuteNonQueryAsync());
        }

        await using var read = new MySqlCommand($"SELECT candidate, state, leaf_index FROM `{table}` WHERE election_id = 'it-statement' AND ballot_id = @id", connection);
        read.Parameters.AddWithValue("@id", ballotId);
        await using var reader = await read.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.Equal(candidate, reader.GetString(0));
        Assert.Equal("OH", reader.GetString(1));
        Assert.Equal(7, reader.GetInt64(2));
        Assert.False(await reader.ReadAsync());
    }

    [Fact]
    public async Task A_statement_of_many_rows_grown_far_past_its_first_buffer_stores_every_row_as_written()
    {
        // ~2,000 rows of ~200 characters each: the statement outgrows its first buffer several times.
        var election = "it-grow-" + Guid.NewGuid().ToString("N")[..8];
        var table = ShardLayout.BallotTable(0);
        var rows = Enumerable.Range(0, 2_000).Select(i => (BallotId: Guid.NewGuid().ToByteArray(), Candidate: i % 3 == 0 ? "O'Brien" : "harper", Leaf: (long)i * 1_000_003)).ToList();
        var statement = new ShardStatement()
            .Append($"INSERT INTO `{table}` (election_id, ballot_id, state, candidate, ballot_hash, recorded_hour, leaf_index) VALUES ");
        foreach (var (row, i) in rows.Select((r, i) => (r, i)))
        {
            statement.Append(i == 0 ? "(" : ",(").Text(election).Append(",").Bytes(row.BallotId).Append(",").Text("OH").Append(",").Text(row.Candidate)
                .Append(",").Bytes(System.Security.Cryptography.SHA256.HashData(row.BallotId)).Append(",").Time(new DateTime(2028, 11, 7, 20, 0, 0, DateTimeKind.Utc))
                .Append(",").Number(row.Leaf).Append(")");
        }

        await using var connection = await shards.Connections.OpenShardAsync(0, CancellationToken.None);
        await using (var insert = statement.ToCommand(connection, null))
        {
            Assert.True(insert.CommandText.Length > 64 * 1024, $"the statement should have outgrown its first buffer: {insert.CommandText.Length} characters");
            Assert.Equal(rows.Count, await insert.ExecuteNonQueryAsync());
        }

        // Spent: the buffer went back to the pool with the command.
        Assert.Throws<ObjectDisposedException>(() => statement.Append(" "));
        Assert.Throws<ObjectDisposedException>(() => statement.ToCommand(connection, null));

        await using var read = new MySqlCommand($"SELECT ballot_id, candidate, ballot_hash, leaf_index FROM `{table}` WHERE election_id = @e", connection);
        read.Parameters.AddWithValue("@e", election);
        var stored = new Dictionary<string, (string Candidate, byte[] Hash, long Leaf)>();
        await using (var reader = await read.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                stored.Add(Convert.ToHexString((byte[])reader[0]), (reader.GetString(1), (byte[])reader[2], reader.GetInt64(3)));
            }
        }

        Assert.Equal(rows.Count, stored.Count);
        Assert.All(rows, row =>
        {
            var got = stored[Convert.ToHexString(row.BallotId)];
            Assert.Equal((row.Candidate, row.Leaf), (got.Candidate, got.Leaf));
            Assert.Equal(System.Security.Cryptography.SHA256.HashData(row.BallotId), got.Hash);
        });
    }

    [Theory]
    [InlineData("harper", true)]
    [InlineData("it-election-2028", true)]
    [InlineData("a'b", false)]
    [InlineData("a\\b", false)]
    [InlineData("a\nb", false)]
    [InlineData("a\0b", false)]
    [InlineData("a;b", false)]
    [InlineData("ä", false)]
    public void Only_letters_digits_and_a_few_marks_are_written_as_literals(string value, bool plain) =>
        Assert.Equal(plain, ShardStatement.IsPlainLiteral(value));
}
