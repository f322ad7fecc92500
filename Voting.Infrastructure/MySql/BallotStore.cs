using MySqlConnector;
using Voting.Core.Ballots;
using Voting.Core.Sharding;

namespace Voting.Infrastructure.MySql;

/// <summary>
/// The shard side of recording a batch (<see cref="Storage.BatchRecorder"/> orchestrates):
/// <list type="number">
/// <item><see cref="CheckAsync"/> finds which voters already have a participation row, and for
/// those whether this very ballot is the one stored (a replay) or another (a second ballot);</item>
/// <item><see cref="WriteAsync"/> writes, per shard database in one transaction, the participation
/// rows (the unique key is one-person-one-vote), the ballot rows with their Merkle log positions
/// already in them, and the batch's counts for the tally outbox.</item>
/// </list>
/// Participation and ballot rows are written in unrelated orders (ballots sorted by their random
/// id) so nothing lines them up.
/// </summary>
public sealed class BallotStore(MySqlShardConnections connections)
{
    /// <summary>
    /// Where each of <paramref name="votes"/> (one per voter) stands: one query per shard database
    /// for the participation rows, and only for voters found there a second one for their ballot hashes.
    /// </summary>
    public async Task<IReadOnlyList<BallotStanding>> CheckAsync(IReadOnlyList<VoteMessage> votes, CancellationToken cancellationToken)
    {
        var standings = new BallotStanding[votes.Count];
        await Task.WhenAll(Enumerable.Range(0, votes.Count).GroupBy(i => ShardRouter.DatabaseFor(votes[i].State)).Select(async database =>
        {
            var shardVotes = database.Select(i => votes[i]).ToList();
            await using var connection = await connections.OpenShardAsync(database.Key, cancellationToken);
            var voted = await VotedAsync(connection, null, shardVotes, cancellationToken);
            if (voted.Count == 0)
            {
                // The usual case: nobody in this shard voted before; no keys to build.
                foreach (var i in database)
                {
                    standings[i] = BallotStanding.New;
                }

                return;
            }

            var votedAgain = shardVotes.Where(v => voted.Contains(ParticipationKey.Of(v))).ToList();
            var stored = await StoredHashesAsync(connection, null, votedAgain, cancellationToken);
            foreach (var i in database)
            {
                var vote = votes[i];
                standings[i] = !voted.Contains(ParticipationKey.Of(vote)) ? BallotStanding.New
                    : !stored.TryGetValue(HashKey(vote), out var leaf) ? BallotStanding.SecondBallot
                    : leaf is null ? BallotStanding.StoredNotLogged
                    : BallotStanding.Stored;
            }
        }));
        return standings;
    }

    /// <summary>
    /// Stores <paramref name="votes"/> (checked new, one per voter) with the leaf index
    /// <paramref name="positions"/> gives each hash. Should another writer have stored a voter or a
    /// hash since the check (or should a ballot's id be another stored ballot's), the unique keys object
    /// and that shard is written the careful way: those ballots come back as replays or refused instead.
    /// </summary>
    public async Task<BatchOutcome> WriteAsync(IReadOnlyList<VoteMessage> votes, IReadOnlyDictionary<Bytes32, long> positions, CancellationToken cancellationToken)
    {
        var perShard = await Task.WhenAll(votes
            .GroupBy(v => ShardRouter.DatabaseFor(v.State))
            .Select(group => WriteShardAsync(group.Key, [.. group], positions, cancellationToken)));
        return new BatchOutcome(
            [.. perShard.SelectMany(o => o.Stored)], [.. perShard.SelectMany(o => o.Replayed)], perShard.Sum(o => o.DuplicateAttempts),
            [.. perShard.SelectMany(o => o.Shards)]);
    }

    /// <summary>The key a ballot hash has in the positions of <see cref="WriteAsync"/>.</summary>
    public static Bytes32 HashKey(VoteMessage vote) => new(vote.BallotHash);

    private async Task<BatchOutcome> WriteShardAsync(int database, List<VoteMessage> votes, IReadOnlyDictionary<Bytes32, long> positions, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenShardAsync(database, cancellationToken);

        // The check just found these voters new: insert straight away and let the unique keys
        // object. Only if they do (another writer got there since) is the shard's transaction rolled
        // back and written the careful way.
        await using (var optimistic = await connection.BeginTransactionAsync(System.Data.IsolationLevel.ReadCommitted, cancellationToken))
        {
            try
            {
                await using var command = Inserts(votes, positions).ToCommand(connection, optimistic);
                await command.ExecuteNonQueryAsync(cancellationToken);
                await optimistic.CommitAsync(cancellationToken);
                return new BatchOutcome(votes, [], 0, [database]);
            }
            catch (MySqlException e) when (e.ErrorCode == MySqlErrorCode.DuplicateKeyEntry)
            {
                await optimistic.RollbackAsync(cancellationToken);
            }
        }

        return await WriteCarefullyAsync(connection, database, votes, positions, cancellationToken);
    }

    private static ShardStatement Inserts(List<VoteMessage> stored, IReadOnlyDictionary<Bytes32, long> positions)
    {
        var statement = new ShardStatement();
        AppendParticipation(statement, stored);
        AppendBallots(statement, stored, positions);
        AppendTallyOutbox(statement, stored);
        return statement;
    }

    private static async Task<BatchOutcome> WriteCarefullyAsync(
        MySqlConnection connection, int database, List<VoteMessage> votes, IReadOnlyDictionary<Bytes32, long> positions, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.ReadCommitted, cancellationToken);
        var voted = await VotedAsync(connection, transaction, votes, cancellationToken);
        var storedHashes = await StoredHashesAsync(connection, transaction, votes, cancellationToken);
        var takenIds = await StoredBallotIdsAsync(connection, transaction, votes, cancellationToken);
        var stored = new List<VoteMessage>();
        var replayed = new List<VoteMessage>();
        var duplicates = 0;
        foreach (var vote in votes)
        {
            if (storedHashes.ContainsKey(HashKey(vote)))
            {
                replayed.Add(vote);
            }
            else if (takenIds.Contains(BallotIdKey(vote)) || voted.Contains(ParticipationKey.Of(vote)))
            {
                // A second ballot of a voter; or a ballot whose id another ballot holds, which no ingest
                // sends (ids are random, or derived from the voter) but which would otherwise fail this
                // insert, and the partition, for ever. Refused either way: its leaf has no row, and the
                // caller reports it (an audit finding).
                duplicates++;
            }
            else
            {
                voted.Add(ParticipationKey.Of(vote));
                takenIds.Add(BallotIdKey(vote));
                stored.Add(vote);
            }
        }

        if (stored.Count > 0)
        {
            await using var command = Inserts(stored, positions).ToCommand(connection, transaction);
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
            foreach (var v in table.OrderBy(v => new Bytes32(v.Pseudonym)))
            {
                statement.Append(first ? "(" : ",(").Text(v.ElectionId).Append(",").Bytes(v.Pseudonym).Append(",").Text(v.State)
                    .Append(",").Time(VoteMessageRules.RecordedHour(v.AcceptedAtUnixMs)).Append(")");
                first = false;
            }

            statement.Append(";\n");
        }
    }

    private static void AppendBallots(ShardStatement statement, List<VoteMessage> stored, IReadOnlyDictionary<Bytes32, long> positions)
    {
        foreach (var table in stored.GroupBy(v => ShardRouter.TableFor(v.BallotId)).OrderBy(t => t.Key))
        {
            statement.Append($"INSERT INTO `{ShardLayout.BallotTable(table.Key)}` (election_id, ballot_id, state, candidate, ballot_hash, recorded_hour, leaf_index) VALUES ");
            var first = true;
            foreach (var v in table.OrderBy(v => v.BallotId, ByteOrder.Instance))
            {
                if (!positions.TryGetValue(HashKey(v), out var leaf))
                {
                    throw new InvalidOperationException($"ballot {HashKey(v)} has no Merkle log position: a ballot is stored only once the log holds it");
                }

                statement.Append(first ? "(" : ",(").Text(v.ElectionId).Append(",").Bytes(v.BallotId).Append(",").Text(v.State)
                    .Append(",").Text(v.Candidate).Append(",").Bytes(v.BallotHash).Append(",").Time(VoteMessageRules.RecordedHour(v.AcceptedAtUnixMs))
                    .Append(",").Number(leaf).Append(")");
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

    /// <summary>In one round trip: which of the voters of <paramref name="votes"/> already have a participation row.</summary>
    private static async Task<HashSet<ParticipationKey>> VotedAsync(
        MySqlConnection connection, MySqlTransaction? transaction, List<VoteMessage> votes, CancellationToken cancellationToken)
    {
        var voted = new HashSet<ParticipationKey>();
        if (votes.Count == 0)
        {
            return voted;
        }

        var elections = votes.Select(v => v.ElectionId).Distinct(StringComparer.Ordinal).ToList();
        var statement = new ShardStatement();
        foreach (var group in votes.GroupBy(v => (Table: ShardRouter.TableFor(v.Pseudonym), v.ElectionId)))
        {
            statement.AppendVoted(
                $"{elections.IndexOf(group.Key.ElectionId)}", group.Key.Table, group.Key.ElectionId, group.DistinctBy(ParticipationKey.Of).Select(v => v.Pseudonym));
        }

        await using var command = statement.ToCommand(connection, transaction);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            voted.Add(new ParticipationKey(elections[reader.GetInt32(0)], new Bytes32((byte[])reader[1])));
        }

        return voted;
    }

    private static (string ElectionId, string BallotId) BallotIdKey(VoteMessage vote) => (vote.ElectionId, Convert.ToHexString(vote.BallotId));

    /// <summary>In one round trip: which ballot ids of <paramref name="votes"/> a stored ballot holds, whatever its hash.</summary>
    private static async Task<HashSet<(string ElectionId, string BallotId)>> StoredBallotIdsAsync(
        MySqlConnection connection, MySqlTransaction transaction, List<VoteMessage> votes, CancellationToken cancellationToken)
    {
        var taken = new HashSet<(string ElectionId, string BallotId)>();
        var statement = new ShardStatement();
        // By the primary key (election, ballot id): ballot_id alone is no index's first column.
        foreach (var group in votes.GroupBy(v => (Table: ShardRouter.TableFor(v.BallotId), v.ElectionId)))
        {
            statement.Append(statement.IsEmpty ? "" : " UNION ALL ")
                .Append($"SELECT election_id, ballot_id FROM `{ShardLayout.BallotTable(group.Key.Table)}` WHERE election_id = ").Text(group.Key.ElectionId)
                .Append(" AND ballot_id IN (");
            var firstValue = true;
            foreach (var v in group)
            {
                statement.Append(firstValue ? "" : ",").Bytes(v.BallotId);
                firstValue = false;
            }

            statement.Append(")");
        }

        if (statement.IsEmpty)
        {
            return taken;
        }

        await using var command = statement.ToCommand(connection, transaction);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            taken.Add((reader.GetString(0), Convert.ToHexString((byte[])reader[1])));
        }

        return taken;
    }

    /// <summary>In one round trip: which ballot hashes of <paramref name="votes"/> are stored, each with its leaf index (null if it has none).</summary>
    private static async Task<Dictionary<Bytes32, long?>> StoredHashesAsync(
        MySqlConnection connection, MySqlTransaction? transaction, List<VoteMessage> votes, CancellationToken cancellationToken)
    {
        var stored = new Dictionary<Bytes32, long?>();
        if (votes.Count == 0)
        {
            return stored;
        }

        var statement = new ShardStatement();
        foreach (var group in votes.GroupBy(v => ShardRouter.TableFor(v.BallotId)))
        {
            statement.Append(statement.IsEmpty ? "" : " UNION ALL ")
                .Append($"SELECT ballot_hash, leaf_index FROM `{ShardLayout.BallotTable(group.Key)}` WHERE ballot_hash IN (");
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
            stored[new Bytes32((byte[])reader[0])] = reader.IsDBNull(1) ? null : reader.GetInt64(1);
        }

        return stored;
    }
}
