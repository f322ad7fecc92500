using MySqlConnector;
using Voting.Core.Sharding;
using Voting.Infrastructure.MySql;

namespace Voting.Infrastructure.Storage;

/// <summary>
/// Moves committed ballot hashes from the shards' log outboxes into the elections' append-only
/// Merkle logs, then writes each ballot's leaf index back to its row and clears the outbox.
/// Exactly once across crashes and concurrent processors: the tree head row lock serializes
/// appends, a hash already in the log keeps its position, and outbox rows go only after their
/// ballots know their leaf index.
/// </summary>
public sealed class MerkleLogAppender(MySqlShardConnections connections)
{
    private const int MaxRowsPerShard = 20_000;

    /// <summary>Appends what the outboxes of <paramref name="shards"/> hold; returns the number of new leaves.</summary>
    public async Task<int> AppendAsync(IEnumerable<int> shards, CancellationToken cancellationToken)
    {
        var pending = (await Task.WhenAll(shards.Distinct().Order().Select(shard => ReadOutboxAsync(shard, cancellationToken))))
            .Where(p => p.Rows.Count > 0)
            .ToList();
        if (pending.Count == 0)
        {
            return 0;
        }

        var (positions, appended) = await AppendToLogAsync(pending.SelectMany(p => p.Rows).ToList(), cancellationToken);
        await Task.WhenAll(pending.Select(p => RecordPositionsAsync(p, positions, cancellationToken)));
        return appended;
    }

    /// <summary>Appends everything pending in every shard (at start, after a crash), in rounds until empty.</summary>
    public async Task<int> AppendAllAsync(CancellationToken cancellationToken)
    {
        var total = 0;
        int appended;
        do
        {
            appended = await AppendAsync(Enumerable.Range(0, ShardLayout.DatabaseCount), cancellationToken);
            total += appended;
        }
        while (appended > 0 || await AnyPendingAsync(cancellationToken));

        return total;
    }

    private async Task<bool> AnyPendingAsync(CancellationToken cancellationToken)
    {
        for (var shard = 0; shard < ShardLayout.DatabaseCount; shard++)
        {
            await using var connection = await connections.OpenShardAsync(shard, cancellationToken);
            await using var command = new MySqlCommand("SELECT EXISTS (SELECT 1 FROM log_outbox)", connection);
            if (Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture) != 0)
            {
                return true;
            }
        }

        return false;
    }

    private sealed record OutboxRow(long Seq, string ElectionId, int BallotTable, byte[] BallotHash);

    private sealed record ShardOutbox(int Shard, List<OutboxRow> Rows);

    private async Task<ShardOutbox> ReadOutboxAsync(int shard, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenShardAsync(shard, cancellationToken);
        await using var command = new MySqlCommand(
            $"SELECT seq, election_id, ballot_table, ballot_hash FROM log_outbox ORDER BY seq LIMIT {MaxRowsPerShard}", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<OutboxRow>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new OutboxRow(reader.GetInt64(0), reader.GetString(1), reader.GetInt32(2), (byte[])reader[3]));
        }

        return new ShardOutbox(shard, rows);
    }

    /// <summary>One transaction on the log: leaf positions for every row (new or already appended).</summary>
    private async Task<(Dictionary<string, long> Positions, int Appended)> AppendToLogAsync(List<OutboxRow> rows, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenLogAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.ReadCommitted, cancellationToken);
        var positions = new Dictionary<string, long>(StringComparer.Ordinal);
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

            var existing = new Dictionary<string, long>(StringComparer.Ordinal);
            await using (var command = known.Append(")").ToCommand(connection, transaction))
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    existing[Convert.ToHexString((byte[])reader[0])] = reader.GetInt64(1);
                }
            }

            foreach (var (hash, leaf) in existing)
            {
                positions[hash] = leaf;
            }

            var fresh = election.Where(r => !existing.ContainsKey(Convert.ToHexString(r.BallotHash))).DistinctBy(r => Convert.ToHexString(r.BallotHash)).ToList();
            appended += await InsertLeavesAsync(connection, transaction, election.Key, fresh, size, positions, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return (positions, appended);
    }

    /// <summary>Appends <paramref name="rows"/> at positions from <paramref name="size"/> on, moves the head; records their positions.</summary>
    private static async Task<int> InsertLeavesAsync(
        MySqlConnection connection, MySqlTransaction transaction, string electionId, IEnumerable<OutboxRow> rows, long size,
        Dictionary<string, long> positions, CancellationToken cancellationToken)
    {
        var insert = new ShardStatement().Append("INSERT INTO merkle_leaves (election_id, leaf_index, ballot_hash) VALUES ");
        var added = new List<string>();
        foreach (var row in rows)
        {
            insert.Append(added.Count == 0 ? "(" : ",(").Text(electionId).Append(",").Number(size + added.Count).Append(",").Bytes(row.BallotHash).Append(")");
            added.Add(Convert.ToHexString(row.BallotHash));
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
            positions[added[i]] = size + i;
        }

        return added.Count;
    }

    private static async Task<long> LockHeadAsync(MySqlConnection connection, MySqlTransaction transaction, string electionId, CancellationToken cancellationToken)
    {
        await using (var create = new MySqlCommand("INSERT IGNORE INTO merkle_heads (election_id, tree_size) VALUES (@e, 0)", connection, transaction))
        {
            create.Parameters.AddWithValue("@e", electionId);
            await create.ExecuteNonQueryAsync(cancellationToken);
        }

        await using var read = new MySqlCommand("SELECT tree_size FROM merkle_heads WHERE election_id = @e FOR UPDATE", connection, transaction);
        read.Parameters.AddWithValue("@e", electionId);
        return Convert.ToInt64(await read.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Writes leaf indices into the ballot rows and deletes exactly the outbox rows read.</summary>
    private async Task RecordPositionsAsync(ShardOutbox outbox, Dictionary<string, long> positions, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenShardAsync(outbox.Shard, cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.ReadCommitted, cancellationToken);
        var statement = new ShardStatement();
        foreach (var table in outbox.Rows.GroupBy(r => r.BallotTable).OrderBy(t => t.Key))
        {
            statement.Append($"UPDATE `{ShardLayout.BallotTable(table.Key)}` SET leaf_index = CASE ballot_hash");
            foreach (var row in table)
            {
                statement.Append(" WHEN ").Bytes(row.BallotHash).Append(" THEN ").Number(positions[Convert.ToHexString(row.BallotHash)]);
            }

            statement.Append(" END WHERE ballot_hash IN (");
            var first = true;
            foreach (var row in table)
            {
                statement.Append(first ? "" : ",").Bytes(row.BallotHash);
                first = false;
            }

            statement.Append(");\n");
        }

        statement.Append("DELETE FROM log_outbox WHERE seq IN (");
        for (var i = 0; i < outbox.Rows.Count; i++)
        {
            statement.Append(i == 0 ? "" : ",").Number(outbox.Rows[i].Seq);
        }

        statement.Append(")");
        await using var command = statement.ToCommand(connection, transaction);
        await command.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }
}
