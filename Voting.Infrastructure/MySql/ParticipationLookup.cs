using MySqlConnector;
using Voting.Core.Sharding;

namespace Voting.Infrastructure.MySql;

/// <summary>The authoritative answer to "has this pseudonym voted?": its row in the participation table.</summary>
public sealed class ParticipationLookup(MySqlShardConnections connections)
{
    public async Task<bool> HasVotedAsync(string electionId, string state, byte[] pseudonym, CancellationToken cancellationToken) =>
        await RecordedHourAsync(electionId, state, pseudonym, cancellationToken) is not null;

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
