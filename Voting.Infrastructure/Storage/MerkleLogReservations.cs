using System.Globalization;
using System.Security.Cryptography;
using MySqlConnector;
using Voting.Core.Merkle;
using Voting.Infrastructure.MySql;

namespace Voting.Infrastructure.Storage;

/// <summary>
/// Hands out positions in an election's Merkle log and fills them, so that appenders (processor
/// instances, batches in flight) insert their leaves at the same time: only handing out a range and
/// moving the log's size take the tree head's row lock, each for a moment.
/// <list type="bullet">
/// <item><c>merkle_heads.reserved_size</c> is the next position to hand out; each range handed out
/// is a row of <c>merkle_reservations</c> until it is filled, and its appender's session holds a
/// named lock of it meanwhile (<see cref="ReservedLeafRange"/>).</item>
/// <item>Filling deletes the range's row, inserts its leaves and moves <c>tree_size</c> up to the
/// first range still open, in one transaction: <c>tree_size</c> stays what every reader takes it
/// for, the size below which every position holds its leaf, and the only size checkpoints take.</item>
/// <item>A range whose lock is free is abandoned (its appender crashed, or lost its session), and so is
/// one still unfilled <see cref="StaleAfter"/> after it was handed out (its appender went silent):
/// <see cref="ReleaseAbandonedAsync(string, CancellationToken)"/> hands it back if no range was handed out after it, else fills
/// it with void leaves (<see cref="VoidLeaf"/>). Its ballots come back with the replayed batch and
/// get a new range.</item>
/// <item>A range whose ballots turn out to be in the log already (a replay) is handed back or voided
/// the same way, and its ballots keep their positions.</item>
/// </list>
/// Deleting a range's row (matched with its lock's name) decides who fills it, so nothing is written
/// twice. An append locks the range's row, inserts its leaves, then locks the tree head, and holds
/// the head only to move the size: appenders do not wait for each other's inserts. Only the rare
/// replays and voids lock the head before inserting.
/// </summary>
public sealed class MerkleLogReservations(MySqlShardConnections connections)
{
    /// <summary>A filler looks up hashes another appender put in the log meanwhile at most this many times.</summary>
    private const int MaxDuplicateRounds = 8;

    /// <summary>
    /// Hands out the next <paramref name="count"/> positions of the election's log to this caller,
    /// whose session holds the range until the returned object is disposed.
    /// </summary>
    public async Task<ReservedLeafRange> ReserveAsync(string electionId, int count, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        var lockName = "voting_log_range:" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var connection = await connections.OpenLogAsync(cancellationToken);
        try
        {
            while (true)
            {
                await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.ReadCommitted, cancellationToken);
                if (await LockHeadAsync(connection, transaction, electionId, cancellationToken) is not { } first)
                {
                    // The election's first append: its head is created on its own (no transaction), so
                    // appenders racing to create it never hold a lock on it that they then wait to upgrade.
                    await transaction.RollbackAsync(cancellationToken);
                    await using var create = new MySqlCommand("INSERT IGNORE INTO merkle_heads (election_id, tree_size, reserved_size) VALUES (@e, 0, 0)", connection);
                    create.Parameters.AddWithValue("@e", electionId);
                    await create.ExecuteNonQueryAsync(cancellationToken);
                    continue;
                }

                // The lock is taken before the range is recorded: whoever sees the row sees it held.
                await using (var take = new MySqlCommand("SELECT GET_LOCK(@n, 0)", connection, transaction))
                {
                    take.Parameters.AddWithValue("@n", lockName);
                    if (Convert.ToInt64(await take.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture) != 1)
                    {
                        throw new InvalidOperationException($"The named lock {lockName} of a new log range is held by another session.");
                    }
                }

                var statement = new ShardStatement()
                    .Append("INSERT INTO merkle_reservations (election_id, first_leaf, leaf_count, lock_name, reserved_at) VALUES (")
                    .Text(electionId).Append(",").Number(first).Append(",").Number(count).Append(",").Text(lockName).Append(", UTC_TIMESTAMP(3));\n")
                    .Append("UPDATE merkle_heads SET reserved_size = ").Number(first + count).Append(" WHERE election_id = ").Text(electionId);
                await using (var command = statement.ToCommand(connection, transaction))
                {
                    await command.ExecuteNonQueryAsync(cancellationToken);
                }

                await transaction.CommitAsync(cancellationToken);
                return new ReservedLeafRange(new LeafReservation(electionId, first, count), lockName, connection);
            }
        }
        catch
        {
            await connection.DisposeAsync(); // its session ends, and any lock with it
            throw;
        }
    }

    /// <summary>
    /// Fills <paramref name="range"/> with the leaf data <paramref name="hashes"/> (at most its size),
    /// in order from its first position, in the session that holds it. A hash the log holds already
    /// keeps its position and is not written again; positions left over are handed back when the
    /// range is the last one handed out, and get void leaves otherwise. Returns every hash's position,
    /// or null when the range is no longer this caller's (its session was lost and the range released:
    /// nothing written, reserve again).
    /// </summary>
    public Task<Dictionary<Bytes32, long>?> FillAsync(ReservedLeafRange range, IReadOnlyList<byte[]> hashes, CancellationToken cancellationToken) =>
        FillAsync(range.Connection, range.Reservation, range.LockName, hashes, cancellationToken);

    /// <summary>
    /// How long a range may stay unfilled while its appender's session still holds it. An appender
    /// fills its range a moment after reserving it; one whose machine or network vanished without
    /// closing its connection keeps its session, and the lock, on the server until TCP keepalive or
    /// <c>wait_timeout</c> ends it (hours), holding the log's size, and every checkpoint, back meanwhile.
    /// </summary>
    public static readonly TimeSpan StaleAfter = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Releases the election's ranges whose appender is gone (their lock is free) or that were reserved
    /// more than <see cref="StaleAfter"/> ago: from the last one down, each is handed back while no
    /// range was handed out after it, else filled with void leaves. An appender still alive finds its
    /// range taken when it fills it, writes nothing and reserves again. Returns the positions released.
    /// </summary>
    public Task<long> ReleaseAbandonedAsync(string electionId, CancellationToken cancellationToken) =>
        ReleaseAbandonedAsync(electionId, StaleAfter, cancellationToken);

    /// <inheritdoc cref="ReleaseAbandonedAsync(string, CancellationToken)"/>
    public async Task<long> ReleaseAbandonedAsync(string electionId, TimeSpan staleAfter, CancellationToken cancellationToken)
    {
        var abandoned = new List<(LeafReservation Range, string LockName)>();
        await using var connection = await connections.OpenLogAsync(cancellationToken);
        await using (var command = new MySqlCommand(
            "SELECT first_leaf, leaf_count, lock_name FROM merkle_reservations WHERE election_id = @e " +
            "AND (IS_USED_LOCK(lock_name) IS NULL OR reserved_at < TIMESTAMPADD(MICROSECOND, -@stale, UTC_TIMESTAMP(3))) ORDER BY first_leaf DESC",
            connection))
        {
            command.Parameters.AddWithValue("@e", electionId);
            command.Parameters.AddWithValue("@stale", (long)(staleAfter.TotalMilliseconds * 1000));
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                abandoned.Add((new LeafReservation(electionId, reader.GetInt64(0), reader.GetInt32(1)), reader.GetString(2)));
            }
        }

        long released = 0;
        foreach (var (range, lockName) in abandoned)
        {
            if (await FillAsync(connection, range, lockName, [], cancellationToken) is not null)
            {
                released += range.Count;
            }
        }

        return released;
    }

    private static async Task<Dictionary<Bytes32, long>?> FillAsync(
        MySqlConnection connection, LeafReservation reservation, string lockName, IReadOnlyList<byte[]> hashes, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(hashes.Count, reservation.Count, nameof(hashes));
        var electionId = reservation.ElectionId;
        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.ReadCommitted, cancellationToken);
        await using (var claim = new MySqlCommand("DELETE FROM merkle_reservations WHERE election_id = @e AND first_leaf = @f AND lock_name = @n", connection, transaction))
        {
            claim.Parameters.AddWithValue("@e", electionId);
            claim.Parameters.AddWithValue("@f", reservation.First);
            claim.Parameters.AddWithValue("@n", lockName);
            if (await claim.ExecuteNonQueryAsync(cancellationToken) == 0)
            {
                await transaction.RollbackAsync(cancellationToken);
                return null;
            }
        }

        // Nearly always every hash is new and fills the range: insert them all at once, outside the
        // head's lock, and let the unique key on ballot_hash object. A failed statement is undone alone.
        if (hashes.Count == reservation.Count)
        {
            try
            {
                await InsertLeavesAsync(connection, transaction, reservation.ElectionId, reservation.First, hashes, cancellationToken);
                await AdvanceTreeSizeAsync(connection, transaction, electionId, cancellationToken);
                await transaction.CommitAsync(cancellationToken);
                return Positions(reservation, hashes);
            }
            catch (MySqlException e) when (e.ErrorCode == MySqlErrorCode.DuplicateKeyEntry)
            {
            }
        }

        // Rare: a replay after a crash, another processor with the same batch, or a range released.
        // The head is locked first here, so whether the range is the last one handed out cannot change.
        var reserved = await LockHeadAsync(connection, transaction, electionId, cancellationToken)
            ?? throw new InvalidOperationException($"The Merkle log of {electionId} has no tree head, yet a range of it was reserved.");
        var known = new Dictionary<Bytes32, long>();
        var fresh = hashes;
        for (var round = 0; ; round++)
        {
            try
            {
                await InsertLeavesAsync(connection, transaction, reservation.ElectionId, reservation.First, fresh, cancellationToken);
                break;
            }
            catch (MySqlException e) when (e.ErrorCode == MySqlErrorCode.DuplicateKeyEntry && round < MaxDuplicateRounds)
            {
                known = await FindAsync(connection, transaction, hashes, cancellationToken);
                fresh = [.. hashes.Where(h => !known.ContainsKey(new Bytes32(h)))];
            }
        }

        var end = reservation.First + reservation.Count;
        var used = reservation.First + fresh.Count;
        if (reserved == end)
        {
            await using var handBack = new MySqlCommand("UPDATE merkle_heads SET reserved_size = @r WHERE election_id = @e", connection, transaction);
            handBack.Parameters.AddWithValue("@r", used);
            handBack.Parameters.AddWithValue("@e", electionId);
            await handBack.ExecuteNonQueryAsync(cancellationToken);
        }
        else if (used < end)
        {
            var voids = Enumerable.Range(0, (int)(end - used)).Select(i => VoidLeaf.For(electionId, used + i)).ToList();
            await InsertLeavesAsync(connection, transaction, electionId, used, voids, cancellationToken);
        }

        await AdvanceTreeSizeAsync(connection, transaction, electionId, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        var positions = Positions(reservation, fresh);
        foreach (var (hash, leaf) in known)
        {
            positions[hash] = leaf;
        }

        return positions;
    }

    private static Dictionary<Bytes32, long> Positions(LeafReservation reservation, IReadOnlyList<byte[]> hashes)
    {
        var positions = new Dictionary<Bytes32, long>(hashes.Count);
        for (var i = 0; i < hashes.Count; i++)
        {
            positions[new Bytes32(hashes[i])] = reservation.First + i;
        }

        return positions;
    }

    /// <summary>Inserts <paramref name="leaves"/> at the positions from <paramref name="first"/> on, in one statement.</summary>
    private static async Task InsertLeavesAsync(
        MySqlConnection connection, MySqlTransaction transaction, string electionId, long first, IReadOnlyList<byte[]> leaves, CancellationToken cancellationToken)
    {
        if (leaves.Count == 0)
        {
            return;
        }

        var insert = new ShardStatement().Append("INSERT INTO merkle_leaves (election_id, leaf_index, ballot_hash) VALUES ");
        for (var i = 0; i < leaves.Count; i++)
        {
            insert.Append(i == 0 ? "(" : ",(").Text(electionId).Append(",").Number(first + i).Append(",").Bytes(leaves[i]).Append(")");
        }

        await using var command = insert.ToCommand(connection, transaction);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<Dictionary<Bytes32, long>> FindAsync(
        MySqlConnection connection, MySqlTransaction transaction, IReadOnlyList<byte[]> hashes, CancellationToken cancellationToken)
    {
        var found = new Dictionary<Bytes32, long>();
        if (hashes.Count == 0)
        {
            return found;
        }

        var known = new ShardStatement().Append("SELECT ballot_hash, leaf_index FROM merkle_leaves WHERE ballot_hash IN (");
        for (var i = 0; i < hashes.Count; i++)
        {
            known.Append(i == 0 ? "" : ",").Bytes(hashes[i]);
        }

        await using var command = known.Append(")").ToCommand(connection, transaction);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            found[new Bytes32((byte[])reader[0])] = reader.GetInt64(1);
        }

        return found;
    }

    /// <summary>
    /// Moves tree_size to the first range still open (this transaction's own is deleted), or to the
    /// end of the ranges handed out when none is. The head's lock is taken last, and ranges are only
    /// read (not locked) under it.
    /// </summary>
    private static async Task AdvanceTreeSizeAsync(MySqlConnection connection, MySqlTransaction transaction, string electionId, CancellationToken cancellationToken)
    {
        long reserved;
        long? firstOpen;
        await using (var read = new MySqlCommand(
            """
            SELECT GREATEST(tree_size, reserved_size) FROM merkle_heads WHERE election_id = @e FOR UPDATE;
            SELECT MIN(first_leaf) FROM merkle_reservations WHERE election_id = @e
            """,
            connection, transaction))
        {
            read.Parameters.AddWithValue("@e", electionId);
            await using var reader = await read.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            reserved = reader.GetInt64(0);
            await reader.NextResultAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            firstOpen = reader.IsDBNull(0) ? null : reader.GetInt64(0);
        }

        await using var advance = new MySqlCommand("UPDATE merkle_heads SET tree_size = GREATEST(tree_size, @s) WHERE election_id = @e", connection, transaction);
        advance.Parameters.AddWithValue("@s", firstOpen ?? reserved);
        advance.Parameters.AddWithValue("@e", electionId);
        await advance.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Locks the election's tree head and returns the next position to hand out; null when the election has no head yet.</summary>
    private static async Task<long?> LockHeadAsync(MySqlConnection connection, MySqlTransaction transaction, string electionId, CancellationToken cancellationToken)
    {
        await using var read = new MySqlCommand("SELECT GREATEST(tree_size, reserved_size) FROM merkle_heads WHERE election_id = @e FOR UPDATE", connection, transaction);
        read.Parameters.AddWithValue("@e", electionId);
        return await read.ExecuteScalarAsync(cancellationToken) is { } next and not DBNull ? Convert.ToInt64(next, CultureInfo.InvariantCulture) : null;
    }
}
