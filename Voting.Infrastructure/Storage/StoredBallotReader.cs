using System.Runtime.CompilerServices;
using MySqlConnector;
using Voting.Core.Sharding;
using Voting.Infrastructure.MySql;

namespace Voting.Infrastructure.Storage;

/// <summary>Reads every stored ballot of an election, shard by shard and table by table (audits).</summary>
public sealed class StoredBallotReader(MySqlShardConnections connections)
{
    public async IAsyncEnumerable<StoredBallot> ReadAllAsync(string electionId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        for (var shard = 0; shard < ShardLayout.DatabaseCount; shard++)
        {
            await using var connection = await connections.OpenShardAsync(shard, cancellationToken);
            var database = connections.DatabaseName(shard);
            for (var table = 0; table < ShardLayout.TablesPerDatabase; table++)
            {
                var name = ShardLayout.BallotTable(table);
                await using var command = new MySqlCommand(
                    $"SELECT ballot_id, state, candidate, ballot_hash, leaf_index FROM `{name}` WHERE election_id = @e", connection);
                command.Parameters.AddWithValue("@e", electionId);
                await using var reader = await command.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken))
                {
                    yield return new StoredBallot(
                        database, name, electionId, (byte[])reader[0], reader.GetString(1), reader.GetString(2), (byte[])reader[3],
                        reader.IsDBNull(4) ? null : reader.GetInt64(4));
                }
            }
        }
    }
}
