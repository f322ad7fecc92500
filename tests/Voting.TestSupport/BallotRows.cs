using MySqlConnector;
using Voting.Infrastructure.Storage;

namespace Voting.TestSupport;

/// <summary>Writes ballot rows straight into a shard's ballot table, behind the system's back (tamper and reader tests).</summary>
public static class BallotRows
{
    /// <summary>Inserts <paramref name="row"/> into its <see cref="StoredBallot.Table"/> on <paramref name="connection"/> (a connection to its database).</summary>
    public static async Task InsertAsync(MySqlConnection connection, StoredBallot row)
    {
        await using var insert = new MySqlCommand(
            $"INSERT INTO `{row.Table}` (election_id, ballot_id, state, candidate, ballot_hash, recorded_hour, leaf_index) VALUES (@e, @id, @s, @c, @h, UTC_TIMESTAMP(), @leaf)",
            connection);
        insert.Parameters.AddWithValue("@e", row.ElectionId);
        insert.Parameters.AddWithValue("@id", row.BallotId);
        insert.Parameters.AddWithValue("@s", row.State);
        insert.Parameters.AddWithValue("@c", row.Candidate);
        insert.Parameters.AddWithValue("@h", row.BallotHash);
        insert.Parameters.AddWithValue("@leaf", row.LeafIndex);
        if (await insert.ExecuteNonQueryAsync() != 1)
        {
            throw new InvalidOperationException($"{row.Database}.{row.Table}: the ballot row was not inserted.");
        }
    }
}
