using MySqlConnector;
using Voting.Core.Ballots;
using Voting.Core.Sharding;
using Voting.Infrastructure.MySql;

namespace Voting.Infrastructure.Storage;

/// <summary>
/// Gives ballots their places in the elections' append-only Merkle logs. The processor appends a
/// batch's new ballots before its shard transactions, which write each ballot row once, with its
/// leaf index (<see cref="BatchRecorder"/>). A crash in between replays the batch: its ballots come
/// back here, and a hash already in the log keeps its position. Exactly once across crashes and
/// concurrent processors: the tree head row lock serializes appends, and the unique key on the leaf
/// hash lets no ballot in twice.
/// </summary>
public sealed class MerkleLogAppender(MySqlShardConnections connections)
{
    /// <summary>
    /// Appends the hashes of <paramref name="ballots"/> that the log does not hold yet, in hash
    /// order, and returns the position of every one of them (new or already there).
    /// </summary>
    public async Task<LogPositions> AppendAsync(IReadOnlyCollection<VoteMessage> ballots, CancellationToken cancellationToken)
    {
        var rows = Entries(ballots);
        if (rows.Count == 0)
        {
            return new LogPositions(new Dictionary<Bytes32, long>(), 0);
        }

        var (positions, appended) = await AppendToLogAsync(rows, cancellationToken);
        return new LogPositions(positions, appended);
    }

    /// <summary>
    /// Writes the positions of <paramref name="ballots"/>, stored already without one, into their
    /// rows: ballots an earlier processor version stored before appending them to the log.
    /// </summary>
    public async Task RecordPositionsAsync(IReadOnlyCollection<VoteMessage> ballots, IReadOnlyDictionary<Bytes32, long> positions, CancellationToken cancellationToken)
    {
        var rows = Entries(ballots);
        await Task.WhenAll(rows.GroupBy(r => r.Database).Select(shard => RecordPositionsAsync(shard.Key, [.. shard], positions, cancellationToken)));
    }

    private static List<LogEntry> Entries(IReadOnlyCollection<VoteMessage> ballots) => ballots
        .Select(b => new LogEntry(b.ElectionId, ShardRouter.DatabaseFor(b.State), ShardRouter.TableFor(b.BallotId), b.BallotId, b.BallotHash))
        .DistinctBy(r => r.Key)
        .OrderBy(r => r.Key)
        .ToList();

    private sealed record LogEntry(string ElectionId, int Database, int BallotTable, byte[] BallotId, byte[] BallotHash)
    {
        /// <summary>The key of the positions found for the hash.</summary>
        public Bytes32 Key { get; } = new(BallotHash);
    }

    /// <summary>One transaction on the log: leaf positions for every row (new or already appended).</summary>
    private async Task<(Dictionary<Bytes32, long> Positions, int Appended)> AppendToLogAsync(List<LogEntry> rows, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenLogAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.ReadCommitted, cancellationToken);
        var positions = new Dictionary<Bytes32, long>(rows.Count);
        var appended = 0;
        foreach (var election in rows.GroupBy(r => r.ElectionId, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var size = await LockHeadAsync(connection, transaction, election.Key, cancellationToken);

            // Nearly always every hash is new: append them all at once and let the unique key on
            // ballot_hash object. Only when it does (a replay after a crash, another processor) are the
            // known positions looked up. A failed statement is undone alone; the head stays locked.
            try
            {
                appended += await InsertLeavesAsync(connection, transaction, election.Key, election, size, positions, cancellationToken);
                continue;
            }
            catch (MySqlException e) when (e.ErrorCode == MySqlErrorCode.DuplicateKeyEntry)
            {
            }

            var known = new ShardStatement().Append("SELECT ballot_hash, leaf_index FROM merkle_leaves WHERE ballot_hash IN (");
            var first = true;
            foreach (var row in election)
            {
                known.Append(first ? "" : ",").Bytes(row.BallotHash);
                first = false;
            }

            var existing = new Dictionary<Bytes32, long>();
            await using (var command = known.Append(")").ToCommand(connection, transaction))
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    existing[new Bytes32((byte[])reader[0])] = reader.GetInt64(1);
                }
            }

            foreach (var (hash, leaf) in existing)
            {
                positions[hash] = leaf;
            }

            appended += await InsertLeavesAsync(
                connection, transaction, election.Key, election.Where(r => !existing.ContainsKey(r.Key)), size, positions, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return (positions, appended);
    }

    /// <summary>Appends <paramref name="rows"/> at positions from <paramref name="size"/> on, moves the head; records their positions.</summary>
    private static async Task<int> InsertLeavesAsync(
        MySqlConnection connection, MySqlTransaction transaction, string electionId, IEnumerable<LogEntry> rows, long size,
        Dictionary<Bytes32, long> positions, CancellationToken cancellationToken)
    {
        var insert = new ShardStatement().Append("INSERT INTO merkle_leaves (election_id, leaf_index, ballot_hash) VALUES ");
        var added = new List<LogEntry>();
        foreach (var row in rows)
        {
            insert.Append(added.Count == 0 ? "(" : ",(").Text(electionId).Append(",").Number(size + added.Count).Append(",").Bytes(row.BallotHash).Append(")");
            added.Add(row);
        }

        if (added.Count == 0)
        {
            return 0;
        }

        insert.Append(";\nUPDATE merkle_heads SET tree_size = ").Number(size + added.Count).Append(" WHERE election_id = ").Text(electionId);
        await using var write = insert.ToCommand(connection, transaction);
        await write.ExecuteNonQueryAsync(cancellationToken);
        for (var i = 0; i < added.Count; i++)
        {
            positions[added[i].Key] = size + i;
        }

        return added.Count;
    }

    /// <summary>
    /// Locks the election's tree head and returns its size. The row is read FOR UPDATE first and
    /// created only when missing: an <c>INSERT IGNORE</c> on an existing row takes a shared lock, and
    /// two appenders holding it would deadlock upgrading to the exclusive one.
    /// </summary>
    private static async Task<long> LockHeadAsync(MySqlConnection connection, MySqlTransaction transaction, string electionId, CancellationToken cancellationToken)
    {
        await using var read = new MySqlCommand("SELECT tree_size FROM merkle_heads WHERE election_id = @e FOR UPDATE", connection, transaction);
        read.Parameters.AddWithValue("@e", electionId);
        if (await read.ExecuteScalarAsync(cancellationToken) is { } size and not DBNull)
        {
            return Convert.ToInt64(size, System.Globalization.CultureInfo.InvariantCulture);
        }

        await using (var create = new MySqlCommand("INSERT IGNORE INTO merkle_heads (election_id, tree_size) VALUES (@e, 0)", connection, transaction))
        {
            create.Parameters.AddWithValue("@e", electionId);
            await create.ExecuteNonQueryAsync(cancellationToken);
        }

        return Convert.ToInt64(await read.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Writes the leaf indices into one shard's ballot rows, in one transaction; rows are found by
    /// their primary key (election, ballot id), not through the ballot-hash index: one lookup each.
    /// </summary>
    private async Task RecordPositionsAsync(int database, List<LogEntry> rows, IReadOnlyDictionary<Bytes32, long> positions, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenShardAsync(database, cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.ReadCommitted, cancellationToken);
        var statement = new ShardStatement();
        foreach (var table in rows.GroupBy(r => (r.BallotTable, r.ElectionId)).OrderBy(t => t.Key.BallotTable))
        {
            statement.Append($"UPDATE `{ShardLayout.BallotTable(table.Key.BallotTable)}` SET leaf_index = CASE ballot_id");
            foreach (var row in table)
            {
                statement.Append(" WHEN ").Bytes(row.BallotId).Append(" THEN ").Number(positions[row.Key]);
            }

            statement.Append(" END WHERE election_id = ").Text(table.Key.ElectionId).Append(" AND ballot_id IN (");
            var first = true;
            foreach (var row in table)
            {
                statement.Append(first ? "" : ",").Bytes(row.BallotId);
                first = false;
            }

            statement.Append(");\n");
        }

        await using var command = statement.ToCommand(connection, transaction);
        await command.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }
}
