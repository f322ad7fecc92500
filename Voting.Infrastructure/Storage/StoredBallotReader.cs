using System.Runtime.CompilerServices;
using MySqlConnector;
using Voting.Core.Sharding;
using Voting.Infrastructure.MySql;

namespace Voting.Infrastructure.Storage;

/// <summary>Reads stored ballots of an election (audits): all of them, shard by shard and table by table, or those with given hashes.</summary>
public sealed class StoredBallotReader(MySqlShardConnections connections)
{
    /// <summary>Hashes looked up per query (each a unique-key lookup in every table of a shard database).</summary>
    private const int HashesPerQuery = 500;

    private const string Columns = "ballot_id, state, candidate, ballot_hash, leaf_index";

    public async IAsyncEnumerable<StoredBallot> ReadAllAsync(string electionId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        for (var shard = 0; shard < ShardLayout.DatabaseCount; shard++)
        {
            await using var connection = await connections.OpenShardAsync(shard, cancellationToken);
            var database = connections.DatabaseName(shard);
            for (var table = 0; table < ShardLayout.TablesPerDatabase; table++)
            {
                var name = ShardLayout.BallotTable(table);
                await using var command = new MySqlCommand($"SELECT {Columns} FROM `{name}` WHERE election_id = @e", connection);
                command.Parameters.AddWithValue("@e", electionId);
                await using var reader = await command.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken))
                {
                    yield return Row(reader, database, name, electionId);
                }
            }
        }
    }

    /// <summary>The election's stored ballots whose stored hash is one of <paramref name="hashes"/>, wherever they are.</summary>
    public async Task<List<StoredBallot>> FindByHashesAsync(string electionId, IReadOnlyList<byte[]> hashes, CancellationToken cancellationToken)
    {
        var found = new List<StoredBallot>();
        for (var shard = 0; shard < ShardLayout.DatabaseCount && hashes.Count > 0; shard++)
        {
            await using var connection = await connections.OpenShardAsync(shard, cancellationToken);
            var database = connections.DatabaseName(shard);
            foreach (var chunk in hashes.Chunk(HashesPerQuery))
            {
                var list = string.Join(",", chunk.Select(h => "X'" + Convert.ToHexString(h) + "'"));
                var union = string.Join(" UNION ALL ", Enumerable.Range(0, ShardLayout.TablesPerDatabase).Select(t =>
                    $"SELECT '{ShardLayout.BallotTable(t)}' AS t, {Columns} FROM `{ShardLayout.BallotTable(t)}` WHERE ballot_hash IN ({list}) AND election_id = @e"));
                await using var command = new MySqlCommand(union, connection);
                command.Parameters.AddWithValue("@e", electionId);
                await using var reader = await command.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken))
                {
                    found.Add(Row(reader, database, reader.GetString(0), electionId, offset: 1));
                }
            }
        }

        return found;
    }

    private static StoredBallot Row(MySqlDataReader reader, string database, string table, string electionId, int offset = 0) =>
        new(
            database, table, electionId, (byte[])reader[offset], reader.GetString(offset + 1), reader.GetString(offset + 2), (byte[])reader[offset + 3],
            reader.IsDBNull(offset + 4) ? null : reader.GetInt64(offset + 4));
}
