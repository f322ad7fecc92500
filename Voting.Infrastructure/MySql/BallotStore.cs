using System.Text;
using MySqlConnector;
using Voting.Core.Ballots;
using Voting.Core.Sharding;

namespace Voting.Infrastructure.MySql;

/// <summary>
/// Writes batches of votes into the shards: per shard database one transaction that adds the
/// participation rows (the unique key is one-person-one-vote) and the ballot rows. Idempotent: a
/// message already stored is recognised by its ballot hash and changes nothing; a different ballot
/// from a voter who already voted is not stored. Participation and ballot rows are written in
/// unrelated orders (ballots sorted by their random id) so nothing lines them up.
/// </summary>
public sealed class BallotStore(MySqlShardConnections connections)
{
    public async Task<BatchOutcome> WriteBatchAsync(IReadOnlyList<VoteMessage> votes, CancellationToken cancellationToken)
    {
        var perShard = await Task.WhenAll(votes
            .GroupBy(v => ShardRouter.DatabaseFor(v.State))
            .Select(group => WriteShardAsync(group.Key, [.. group], cancellationToken)));
        return new BatchOutcome(
            [.. perShard.SelectMany(o => o.Stored)], perShard.Sum(o => o.Replays), perShard.Sum(o => o.DuplicateAttempts),
            [.. perShard.SelectMany(o => o.Shards)]);
    }

    private async Task<BatchOutcome> WriteShardAsync(int database, List<VoteMessage> votes, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenShardAsync(database, cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.ReadCommitted, cancellationToken);

        var voted = await ExistingParticipantsAsync(connection, transaction, votes, cancellationToken);
        var storedHashes = await ExistingBallotHashesAsync(connection, transaction, votes, cancellationToken);

        var stored = new List<VoteMessage>();
        var replays = 0;
        var duplicates = 0;
        foreach (var vote in votes)
        {
            var hash = Convert.ToHexString(vote.BallotHash);
            if (storedHashes.Contains(hash))
            {
                replays++;
            }
            else if (!voted.Add(ParticipantKey(vote)))
            {
                duplicates++;
            }
            else
            {
                stored.Add(vote);
                storedHashes.Add(hash);
            }
        }

        foreach (var table in stored.GroupBy(v => ShardRouter.TableFor(v.Pseudonym)))
        {
            await InsertAsync(connection, transaction,
                $"INSERT INTO `{ShardLayout.ParticipationTable(table.Key)}` (election_id, pseudonym, state, recorded_hour) VALUES ",
                [.. table], v => [v.ElectionId, v.Pseudonym, v.State, VoteMessageRules.RecordedHour(v.AcceptedAtUnixMs)], cancellationToken);
        }

        foreach (var table in stored.GroupBy(v => ShardRouter.TableFor(v.BallotId)))
        {
            await InsertAsync(connection, transaction,
                $"INSERT INTO `{ShardLayout.BallotTable(table.Key)}` (election_id, ballot_id, state, candidate, ballot_hash, recorded_hour) VALUES ",
                [.. table.OrderBy(v => Convert.ToHexString(v.BallotId), StringComparer.Ordinal)],
                v => [v.ElectionId, v.BallotId, v.State, v.Candidate, v.BallotHash, VoteMessageRules.RecordedHour(v.AcceptedAtUnixMs)],
                cancellationToken);
        }

        await WriteOutboxAsync(connection, transaction, stored, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new BatchOutcome(stored, replays, duplicates, [database]);
    }

    /// <summary>The counts of the ballots stored by this transaction, for <see cref="Storage.TallyOutbox"/> to ship.</summary>
    private static async Task WriteOutboxAsync(
        MySqlConnection connection, MySqlTransaction transaction, List<VoteMessage> stored, CancellationToken cancellationToken)
    {
        if (stored.Count == 0)
        {
            return;
        }

        var batchId = Guid.NewGuid().ToByteArray();
        var rows = stored
            .GroupBy(v => (v.ElectionId, v.State, v.Candidate))
            .Select(g => new object?[] { batchId, g.Key.ElectionId, g.Key.State, g.Key.Candidate, null, g.Count() })
            .Concat(stored
                .GroupBy(v => (v.ElectionId, v.State, Minute: v.AcceptedAtUnixMs / 60_000))
                .Select(g => new object?[] { batchId, g.Key.ElectionId, g.Key.State, "", DateTimeOffset.FromUnixTimeMilliseconds(g.Key.Minute * 60_000).UtcDateTime, g.Count() }))
            .ToList();
        await using var command = new MySqlCommand { Connection = connection, Transaction = transaction };
        var sql = new StringBuilder("INSERT INTO tally_outbox (batch_id, election_id, state, candidate, minute, votes) VALUES ");
        for (var i = 0; i < rows.Count; i++)
        {
            sql.Append(i == 0 ? "(" : ",(");
            for (var c = 0; c < rows[i].Length; c++)
            {
                sql.Append(c == 0 ? "" : ",").Append($"@o{i}_{c}");
                command.Parameters.AddWithValue($"@o{i}_{c}", rows[i][c] ?? DBNull.Value);
            }

            sql.Append(')');
        }

        command.CommandText = sql.ToString();
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static string ParticipantKey(VoteMessage vote) => vote.ElectionId + "/" + Convert.ToHexString(vote.Pseudonym);

    private static async Task<HashSet<string>> ExistingParticipantsAsync(
        MySqlConnection connection, MySqlTransaction transaction, List<VoteMessage> votes, CancellationToken cancellationToken)
    {
        var found = new HashSet<string>(StringComparer.Ordinal);
        foreach (var table in votes.GroupBy(v => ShardRouter.TableFor(v.Pseudonym)))
        {
            var rows = table.DistinctBy(ParticipantKey).ToList();
            await using var command = new MySqlCommand { Connection = connection, Transaction = transaction };
            var sql = new StringBuilder($"SELECT election_id, pseudonym FROM `{ShardLayout.ParticipationTable(table.Key)}` WHERE (election_id, pseudonym) IN (");
            for (var i = 0; i < rows.Count; i++)
            {
                sql.Append(i == 0 ? "" : ",").Append($"(@e{i},@p{i})");
                command.Parameters.AddWithValue($"@e{i}", rows[i].ElectionId);
                command.Parameters.AddWithValue($"@p{i}", rows[i].Pseudonym);
            }

            command.CommandText = sql.Append(')').ToString();
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                found.Add(reader.GetString(0) + "/" + Convert.ToHexString((byte[])reader[1]));
            }
        }

        return found;
    }

    private static async Task<HashSet<string>> ExistingBallotHashesAsync(
        MySqlConnection connection, MySqlTransaction transaction, List<VoteMessage> votes, CancellationToken cancellationToken)
    {
        var found = new HashSet<string>(StringComparer.Ordinal);
        foreach (var table in votes.GroupBy(v => ShardRouter.TableFor(v.BallotId)))
        {
            var rows = table.ToList();
            await using var command = new MySqlCommand { Connection = connection, Transaction = transaction };
            var sql = new StringBuilder($"SELECT ballot_hash FROM `{ShardLayout.BallotTable(table.Key)}` WHERE ballot_hash IN (");
            for (var i = 0; i < rows.Count; i++)
            {
                sql.Append(i == 0 ? "" : ",").Append($"@h{i}");
                command.Parameters.AddWithValue($"@h{i}", rows[i].BallotHash);
            }

            command.CommandText = sql.Append(')').ToString();
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                found.Add(Convert.ToHexString((byte[])reader[0]));
            }
        }

        return found;
    }

    private static async Task InsertAsync(
        MySqlConnection connection, MySqlTransaction transaction, string prefix, List<VoteMessage> rows,
        Func<VoteMessage, object[]> values, CancellationToken cancellationToken)
    {
        await using var command = new MySqlCommand { Connection = connection, Transaction = transaction };
        var sql = new StringBuilder(prefix);
        for (var i = 0; i < rows.Count; i++)
        {
            var row = values(rows[i]);
            sql.Append(i == 0 ? "(" : ",(");
            for (var c = 0; c < row.Length; c++)
            {
                var name = $"@v{i}_{c}";
                sql.Append(c == 0 ? "" : ",").Append(name);
                command.Parameters.AddWithValue(name, row[c]);
            }

            sql.Append(')');
        }

        command.CommandText = sql.ToString();
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
