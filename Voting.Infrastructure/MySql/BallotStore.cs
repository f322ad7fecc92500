using MySqlConnector;
using Voting.Core.Ballots;
using Voting.Core.Sharding;

namespace Voting.Infrastructure.MySql;

/// <summary>
/// Writes batches of votes into the shards: per shard database one transaction that adds the
/// participation rows (the unique key is one-person-one-vote) and the ballot rows. Idempotent: a
/// message already stored is recognised by its ballot hash and changes nothing; a different ballot
/// from a voter who already voted is not stored. The ballots go into the Merkle log afterwards
/// (<see cref="Storage.MerkleLogAppender"/>), before the batch's offsets are committed.
/// Participation and ballot rows are written in unrelated orders (ballots sorted by their random
/// id) so nothing lines them up.
/// </summary>
public sealed class BallotStore(MySqlShardConnections connections)
{
    public async Task<BatchOutcome> WriteBatchAsync(IReadOnlyList<VoteMessage> votes, CancellationToken cancellationToken)
    {
        var perShard = await Task.WhenAll(votes
            .GroupBy(v => ShardRouter.DatabaseFor(v.State))
            .Select(group => WriteShardAsync(group.Key, [.. group], cancellationToken)));
        return new BatchOutcome(
            [.. perShard.SelectMany(o => o.Stored)], [.. perShard.SelectMany(o => o.Replayed)], perShard.Sum(o => o.DuplicateAttempts),
            [.. perShard.SelectMany(o => o.Shards)]);
    }

    private async Task<BatchOutcome> WriteShardAsync(int database, List<VoteMessage> votes, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenShardAsync(database, cancellationToken);

        // Nearly every batch is all new ballots from new voters: insert straight away and let the
        // unique keys object. Only when they do (a replay, a second ballot) is the batch rolled back
        // and written the careful way, message by message.
        await using (var optimistic = await connection.BeginTransactionAsync(System.Data.IsolationLevel.ReadCommitted, cancellationToken))
        {
            try
            {
                await using var command = Inserts(votes).ToCommand(connection, optimistic);
                await command.ExecuteNonQueryAsync(cancellationToken);
                await optimistic.CommitAsync(cancellationToken);
                return new BatchOutcome(votes, [], 0, [database]);
            }
            catch (MySqlException e) when (e.ErrorCode == MySqlErrorCode.DuplicateKeyEntry)
            {
                await optimistic.RollbackAsync(cancellationToken);
            }
        }

        return await WriteCarefullyAsync(connection, database, votes, cancellationToken);
    }

    private static ShardStatement Inserts(List<VoteMessage> stored)
    {
        var statement = new ShardStatement();
        AppendParticipation(statement, stored);
        AppendBallots(statement, stored);
        AppendTallyOutbox(statement, stored);
        return statement;
    }

    private static async Task<BatchOutcome> WriteCarefullyAsync(MySqlConnection connection, int database, List<VoteMessage> votes, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.ReadCommitted, cancellationToken);
        var (voted, storedHashes) = await ExistingAsync(connection, transaction, votes, cancellationToken);
        var stored = new List<VoteMessage>();
        var replayed = new List<VoteMessage>();
        var duplicates = 0;
        foreach (var vote in votes)
        {
            var hash = Convert.ToHexString(vote.BallotHash);
            if (storedHashes.Contains(hash))
            {
                replayed.Add(vote);
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

        if (stored.Count > 0)
        {
            await using var command = Inserts(stored).ToCommand(connection, transaction);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return new BatchOutcome(stored, replayed, duplicates, stored.Count > 0 ? [database] : []);
    }

    private static void AppendParticipation(ShardStatement statement, List<VoteMessage> stored)
    {
        // Rows in pseudonym order, ballots in ballot-id order (and log entries in hash order, see
        // MerkleLogAppender): no order (statement, binlog, log) follows arrival or lines a voter up with a ballot.
        foreach (var table in stored.GroupBy(v => ShardRouter.TableFor(v.Pseudonym)).OrderBy(t => t.Key))
        {
            statement.Append($"INSERT INTO `{ShardLayout.ParticipationTable(table.Key)}` (election_id, pseudonym, state, recorded_hour) VALUES ");
            var first = true;
            foreach (var v in table.OrderBy(v => v.Pseudonym, ByteOrder.Instance))
            {
                statement.Append(first ? "(" : ",(").Text(v.ElectionId).Append(",").Bytes(v.Pseudonym).Append(",").Text(v.State)
                    .Append(",").Time(VoteMessageRules.RecordedHour(v.AcceptedAtUnixMs)).Append(")");
                first = false;
            }

            statement.Append(";\n");
        }
    }

    private static void AppendBallots(ShardStatement statement, List<VoteMessage> stored)
    {
        foreach (var table in stored.GroupBy(v => ShardRouter.TableFor(v.BallotId)).OrderBy(t => t.Key))
        {
            statement.Append($"INSERT INTO `{ShardLayout.BallotTable(table.Key)}` (election_id, ballot_id, state, candidate, ballot_hash, recorded_hour) VALUES ");
            var first = true;
            foreach (var v in table.OrderBy(v => v.BallotId, ByteOrder.Instance))
            {
                statement.Append(first ? "(" : ",(").Text(v.ElectionId).Append(",").Bytes(v.BallotId).Append(",").Text(v.State)
                    .Append(",").Text(v.Candidate).Append(",").Bytes(v.BallotHash).Append(",").Time(VoteMessageRules.RecordedHour(v.AcceptedAtUnixMs)).Append(")");
                first = false;
            }

            statement.Append(";\n");
        }
    }

    /// <summary>The counts of the ballots stored by this transaction, for <see cref="Storage.TallyOutbox"/> to ship.</summary>
    private static void AppendTallyOutbox(ShardStatement statement, List<VoteMessage> stored)
    {
        var batchId = Guid.NewGuid().ToByteArray();
        statement.Append("INSERT INTO tally_outbox (batch_id, election_id, state, candidate, minute, votes) VALUES ");
        var first = true;
        foreach (var g in stored.GroupBy(v => (v.ElectionId, v.State, v.Candidate)))
        {
            statement.Append(first ? "(" : ",(").Bytes(batchId).Append(",").Text(g.Key.ElectionId).Append(",").Text(g.Key.State)
                .Append(",").Text(g.Key.Candidate).Append(",NULL,").Number(g.Count()).Append(")");
            first = false;
        }

        foreach (var g in stored.GroupBy(v => (v.ElectionId, v.State, Minute: v.AcceptedAtUnixMs / 60_000)))
        {
            statement.Append(",(").Bytes(batchId).Append(",").Text(g.Key.ElectionId).Append(",").Text(g.Key.State)
                .Append(",'',").Time(DateTimeOffset.FromUnixTimeMilliseconds(g.Key.Minute * 60_000).UtcDateTime).Append(",").Number(g.Count()).Append(")");
        }

        statement.Append(";\n");
    }

    private static string ParticipantKey(VoteMessage vote) => vote.ElectionId + "/" + Convert.ToHexString(vote.Pseudonym);

    /// <summary>
    /// In one round trip: which of the batch's voters already have a participation row, and which
    /// of its ballot hashes are already stored.
    /// </summary>
    private static async Task<(HashSet<string> Voted, HashSet<string> StoredHashes)> ExistingAsync(
        MySqlConnection connection, MySqlTransaction transaction, List<VoteMessage> votes, CancellationToken cancellationToken)
    {
        var voted = new HashSet<string>(StringComparer.Ordinal);
        var storedHashes = new HashSet<string>(StringComparer.Ordinal);
        if (votes.Count == 0)
        {
            return (voted, storedHashes);
        }

        var elections = votes.Select(v => v.ElectionId).Distinct(StringComparer.Ordinal).ToList();
        var statement = new ShardStatement();
        foreach (var group in votes.GroupBy(v => (Table: ShardRouter.TableFor(v.Pseudonym), v.ElectionId)))
        {
            statement.AppendVoted(
                $"0, {elections.IndexOf(group.Key.ElectionId)}", group.Key.Table, group.Key.ElectionId, group.DistinctBy(ParticipantKey).Select(v => v.Pseudonym));
        }

        foreach (var group in votes.GroupBy(v => ShardRouter.TableFor(v.BallotId)))
        {
            statement.Append($" UNION ALL SELECT 1, 0, ballot_hash FROM `{ShardLayout.BallotTable(group.Key)}` WHERE ballot_hash IN (");
            var firstValue = true;
            foreach (var v in group)
            {
                statement.Append(firstValue ? "" : ",").Bytes(v.BallotHash);
                firstValue = false;
            }

            statement.Append(")");
        }

        await using var command = statement.ToCommand(connection, transaction);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var value = Convert.ToHexString((byte[])reader[2]);
            if (reader.GetInt32(0) == 0)
            {
                voted.Add(elections[reader.GetInt32(1)] + "/" + value);
            }
            else
            {
                storedHashes.Add(value);
            }
        }

        return (voted, storedHashes);
    }
}
