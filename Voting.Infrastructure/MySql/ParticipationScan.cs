using System.Runtime.CompilerServices;
using MySqlConnector;
using Voting.Core.Sharding;

namespace Voting.Infrastructure.MySql;

/// <summary>
/// Every pseudonym recorded as having voted in an election, shard by shard and table by table, in
/// pages along the primary key (for rebuilding the "already voted?" filter). Reads no choice.
/// </summary>
public sealed class ParticipationScan(MySqlShardConnections connections)
{
    public async IAsyncEnumerable<IReadOnlyList<byte[]>> PagesAsync(string electionId, int pageSize, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        for (var database = 0; database < ShardLayout.DatabaseCount; database++)
        {
            await using var connection = await connections.OpenShardAsync(database, cancellationToken);
            for (var table = 0; table < ShardLayout.TablesPerDatabase; table++)
            {
                var after = Array.Empty<byte>();
                while (true)
                {
                    await using var command = new MySqlCommand(
                        $"SELECT pseudonym FROM `{ShardLayout.ParticipationTable(table)}` WHERE election_id = @e AND pseudonym > @after ORDER BY pseudonym LIMIT @n",
                        connection);
                    command.Parameters.AddWithValue("@e", electionId);
                    command.Parameters.AddWithValue("@after", after);
                    command.Parameters.AddWithValue("@n", pageSize);
                    var page = new List<byte[]>(pageSize);
                    await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
                    {
                        while (await reader.ReadAsync(cancellationToken))
                        {
                            page.Add((byte[])reader[0]);
                        }
                    }

                    if (page.Count > 0)
                    {
                        yield return page;
                    }

                    if (page.Count < pageSize)
                    {
                        break;
                    }

                    after = page[^1];
                }
            }
        }
    }
}
