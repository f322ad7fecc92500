using MySqlConnector;
using Voting.Core.Sharding;

namespace Voting.Infrastructure.MySql;

/// <summary>The authoritative answer to "has this pseudonym voted?": its row in the participation table.</summary>
public sealed class ParticipationLookup(MySqlShardConnections connections)
{
    /// <summary>
    /// Which of <paramref name="voters"/> have voted, in their order. A participation row sits in the
    /// database of the state the voter voted in; a voter marked <c>EveryState</c> is looked for in every
    /// shard database, the others only in their state's. Asking every database is what refuses a voter
    /// whose authority issued tokens for two states (registered in both) a second vote once the Redis
    /// marker of the first has expired; it costs 16 lookups instead of one, so ingest asks it for the
    /// voters its filter says "maybe" to (few), not for everyone while the filter is rebuilt. Each
    /// database is asked once, all at the same time.
    /// </summary>
    public async Task<bool[]> WhichVotedAsync(
        IReadOnlyList<(string ElectionId, string State, byte[] Pseudonym, bool EveryState)> voters, CancellationToken cancellationToken)
    {
        var voted = new bool[voters.Count];
        var home = voters.Select(v => ShardRouter.DatabaseFor(v.State)).ToArray();
        var asked = Enumerable.Range(0, ShardLayout.DatabaseCount)
            .Select(database => (Database: database, Voters: Enumerable.Range(0, voters.Count).Where(i => voters[i].EveryState || home[i] == database).ToList()))
            .Where(d => d.Voters.Count > 0)
            .ToList();
        var found = await Task.WhenAll(asked.Select(async d =>
        {
            var elections = d.Voters.Select(i => voters[i].ElectionId).Distinct(StringComparer.Ordinal).ToList();
            var statement = new ShardStatement();
            foreach (var table in d.Voters.GroupBy(i => (Table: ShardRouter.TableFor(voters[i].Pseudonym), voters[i].ElectionId)))
            {
                statement.AppendVoted(
                    $"{elections.IndexOf(table.Key.ElectionId)}", table.Key.Table, table.Key.ElectionId, table.Select(i => voters[i].Pseudonym));
            }

            var rows = new List<ParticipationKey>();
            await using var connection = await connections.OpenShardAsync(d.Database, cancellationToken);
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
