using MySqlConnector;
using Voting.Core.Sharding;

namespace Voting.Infrastructure.MySql;

/// <summary>The authoritative answer to "has this pseudonym voted?": its row in the participation table.</summary>
public sealed class ParticipationLookup(MySqlShardConnections connections)
{
    /// <summary>
    /// Which of <paramref name="voters"/> have voted, in their order. A participation row sits in the
    /// database of the state the voter voted in, which need not be the state of the token they hold now
    /// (an authority that issued a voter tokens for two states, registered in both): every shard
    /// database is asked, once each and all at the same time, so a voter recorded anywhere is found.
    /// The unique key of each database can't refuse a second ballot cast in another state; this check
    /// is what does.
    /// </summary>
    public async Task<bool[]> WhichVotedAsync(IReadOnlyList<(string ElectionId, byte[] Pseudonym)> voters, CancellationToken cancellationToken)
    {
        var voted = new bool[voters.Count];
        if (voters.Count == 0)
        {
            return voted;
        }

        // The same statement for every database (the table is chosen by pseudonym, the database by
        // state), written for each: a statement is sent once.
        var elections = voters.Select(v => v.ElectionId).Distinct(StringComparer.Ordinal).ToList();
        var tables = voters.GroupBy(v => (Table: ShardRouter.TableFor(v.Pseudonym), v.ElectionId)).ToList();
        var found = await Task.WhenAll(Enumerable.Range(0, ShardLayout.DatabaseCount).Select(async database =>
        {
            var statement = new ShardStatement();
            foreach (var table in tables)
            {
                statement.AppendVoted($"{elections.IndexOf(table.Key.ElectionId)}", table.Key.Table, table.Key.ElectionId, table.Select(v => v.Pseudonym));
            }

            var rows = new List<ParticipationKey>();
            await using var connection = await connections.OpenShardAsync(database, cancellationToken);
            await using var command = statement.ToCommand(connection, transaction: null);
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
