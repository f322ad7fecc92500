using MySqlConnector;
using Voting.Core.Sharding;

namespace Voting.Infrastructure.MySql;

/// <summary>The authoritative answer to "has this pseudonym voted?": its row in the participation table.</summary>
public sealed class ParticipationLookup(MySqlShardConnections connections)
{
    /// <summary>
    /// Which of <paramref name="voters"/> have voted, in their order, in any state: every shard
    /// database is asked (at the same time, one query each) for all of them. A participation row sits in
    /// the database of the state the voter voted in, so asking only the database of the state a token
    /// names would let a voter whose authority issued tokens for two states (registered in both) vote
    /// once in each, once the Redis marker of the first vote has expired.
    /// </summary>
    public async Task<bool[]> WhichVotedAsync(IReadOnlyList<(string ElectionId, byte[] Pseudonym)> voters, CancellationToken cancellationToken)
    {
        var voted = new bool[voters.Count];
        if (voters.Count == 0)
        {
            return voted;
        }

        var elections = voters.Select(v => v.ElectionId).Distinct(StringComparer.Ordinal).ToList();
        var tables = Enumerable.Range(0, voters.Count).GroupBy(i => (Table: ShardRouter.TableFor(voters[i].Pseudonym), voters[i].ElectionId)).ToList();
        ShardStatement Statement()
        {
            var statement = new ShardStatement();
            foreach (var table in tables)
            {
                statement.AppendVoted(
                    $"{elections.IndexOf(table.Key.ElectionId)}", table.Key.Table, table.Key.ElectionId, table.Select(i => voters[i].Pseudonym));
            }

            return statement;
        }

        var found = await Task.WhenAll(Enumerable.Range(0, ShardLayout.DatabaseCount).Select(async database =>
        {
            var rows = new List<ParticipationKey>();
            await using var connection = await connections.OpenShardAsync(database, cancellationToken);
            await using var command = Statement().ToCommand(connection, transaction: null);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                rows.Add(new ParticipationKey(elections[reader.GetInt32(0)], new Bytes32((byte[])reader[1])));
            }

            return rows;
        }));

        var all = found.SelectMany(rows => rows).ToHashSet();
        for (var i = 0; i < voters.Count; i++)
        {
            voted[i] = all.Contains(new ParticipationKey(voters[i].ElectionId, new Bytes32(voters[i].Pseudonym)));
        }

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
