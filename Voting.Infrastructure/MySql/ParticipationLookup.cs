using MySqlConnector;
using Voting.Core.Sharding;

namespace Voting.Infrastructure.MySql;

/// <summary>The authoritative answer to "has this pseudonym voted?": its row in the participation table.</summary>
public sealed class ParticipationLookup(MySqlShardConnections connections)
{
    /// <summary>
    /// Which of <paramref name="voters"/> have voted, in their order: one query per shard database
    /// holding any of them, those databases asked at the same time.
    /// </summary>
    public async Task<bool[]> WhichVotedAsync(IReadOnlyList<(string ElectionId, string State, byte[] Pseudonym)> voters, CancellationToken cancellationToken)
    {
        var voted = new bool[voters.Count];
        var byDatabase = Enumerable.Range(0, voters.Count).GroupBy(i => ShardRouter.DatabaseFor(voters[i].State));
        await Task.WhenAll(byDatabase.Select(async database =>
        {
            var elections = database.Select(i => voters[i].ElectionId).Distinct(StringComparer.Ordinal).ToList();
            var statement = new ShardStatement();
            foreach (var table in database.GroupBy(i => (Table: ShardRouter.TableFor(voters[i].Pseudonym), voters[i].ElectionId)))
            {
                statement.AppendVoted(
                    $"{elections.IndexOf(table.Key.ElectionId)}", table.Key.Table, table.Key.ElectionId, table.Select(i => voters[i].Pseudonym));
            }

            var found = new HashSet<ParticipationKey>();
            await using (var connection = await connections.OpenShardAsync(database.Key, cancellationToken))
            await using (var command = statement.ToCommand(connection, transaction: null))
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    found.Add(new ParticipationKey(elections[reader.GetInt32(0)], new Bytes32((byte[])reader[1])));
                }
            }

            foreach (var i in database)
            {
                voted[i] = found.Contains(new ParticipationKey(voters[i].ElectionId, new Bytes32(voters[i].Pseudonym)));
            }
        }));
        return voted;
    }

    /// <summary>The (coarse, hourly) time a pseudonym's vote was recorded, or null when it has none.</summary>
    public async Task<DateTime?> RecordedHourAsync(string electionId, string state, byte[] pseudonym, CancellationToken cancellationToken)
    {
        var address = ShardRouter.Route(state, pseudonym);
        await using var connection = await connections.OpenShardAsync(address.Database, cancellationToken);
        await using var command = new MySqlCommand(
            $"SELECT recorded_hour FROM `{ShardLayout.ParticipationTable(address.Table)}` WHERE election_id = @e AND pseudonym = @p",
            connection);
        command.Parameters.AddWithValue("@e", electionId);
        command.Parameters.AddWithValue("@p", pseudonym);
        return await command.ExecuteScalarAsync(cancellationToken) is DateTime hour ? DateTime.SpecifyKind(hour, DateTimeKind.Utc) : null;
    }
}
