using System.Globalization;
using MySqlConnector;
using Voting.Infrastructure.MySql;

namespace Voting.Infrastructure.Storage;

/// <summary>Checkpoints of the elections' logs and the anchor contract per chain, in the Merkle log database.</summary>
public sealed class CheckpointStore(MySqlShardConnections connections)
{
    private const string Columns = "election_id, tree_size, root, created_at, tx_hash, block_number, anchored_at, last_error, final_at, pending_tx, pending_raw";

    /// <summary>Records a checkpoint (queued for anchoring); a size already checkpointed is left as it is.</summary>
    public async Task AddAsync(string electionId, long treeSize, byte[] root, DateTime createdAt, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenLogAsync(cancellationToken);
        await using var command = new MySqlCommand(
            "INSERT IGNORE INTO checkpoints (election_id, tree_size, root, created_at) VALUES (@e, @s, @r, @t)", connection);
        command.Parameters.AddWithValue("@e", electionId);
        command.Parameters.AddWithValue("@s", treeSize);
        command.Parameters.AddWithValue("@r", root);
        command.Parameters.AddWithValue("@t", createdAt);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Every checkpoint of the election, smallest tree first.</summary>
    public Task<List<Checkpoint>> ListAsync(string electionId, CancellationToken cancellationToken) =>
        QueryAsync($"SELECT {Columns} FROM checkpoints WHERE election_id = @e ORDER BY tree_size", electionId, cancellationToken);

    /// <summary>The newest checkpoint, anchored or not.</summary>
    public async Task<Checkpoint?> LatestAsync(string electionId, CancellationToken cancellationToken) =>
        (await QueryAsync($"SELECT {Columns} FROM checkpoints WHERE election_id = @e ORDER BY tree_size DESC LIMIT 1", electionId, cancellationToken))
        .SingleOrDefault();

    /// <summary>The newest anchored checkpoint whose anchor is final (<see cref="Checkpoint.IsAnchored"/>).</summary>
    public async Task<Checkpoint?> LatestAnchoredAsync(string electionId, CancellationToken cancellationToken) =>
        (await QueryAsync(
            $"SELECT {Columns} FROM checkpoints WHERE election_id = @e AND final_at IS NOT NULL ORDER BY tree_size DESC LIMIT 1", electionId, cancellationToken))
        .SingleOrDefault();

    /// <summary>Checkpoints waiting to be anchored, in the order they must be anchored.</summary>
    public Task<List<Checkpoint>> QueuedAsync(string electionId, CancellationToken cancellationToken) =>
        QueryAsync($"SELECT {Columns} FROM checkpoints WHERE election_id = @e AND tx_hash IS NULL ORDER BY tree_size", electionId, cancellationToken);

    /// <summary>Checkpoints mined on chain whose blocks are not deep enough yet, smallest tree first.</summary>
    public Task<List<Checkpoint>> ConfirmingAsync(string electionId, CancellationToken cancellationToken) =>
        QueryAsync(
            $"SELECT {Columns} FROM checkpoints WHERE election_id = @e AND tx_hash IS NOT NULL AND final_at IS NULL ORDER BY tree_size", electionId, cancellationToken);

    /// <summary>
    /// Records the transaction that anchored a checkpoint and the block it is in; <paramref name="finalAt"/>
    /// when that block is already deep enough, else null (it is confirmed later, <see cref="MarkFinalAsync"/>).
    /// </summary>
    public Task MarkAnchoredAsync(
        string electionId, long treeSize, string transactionHash, long blockNumber, DateTime anchoredAt, DateTime? finalAt, CancellationToken cancellationToken) =>
        UpdateAsync(
            "UPDATE checkpoints SET tx_hash = @x, block_number = @b, anchored_at = @t, final_at = @f, last_error = NULL, pending_tx = NULL, pending_raw = NULL WHERE election_id = @e AND tree_size = @s",
            electionId, treeSize, cancellationToken, ("@x", transactionHash), ("@b", blockNumber), ("@t", anchoredAt), ("@f", finalAt));

    /// <summary>Marks a mined anchor final: its block (which may have changed since it was mined) is deep enough.</summary>
    public Task MarkFinalAsync(string electionId, long treeSize, string transactionHash, long blockNumber, DateTime finalAt, CancellationToken cancellationToken) =>
        UpdateAsync(
            "UPDATE checkpoints SET block_number = @b, final_at = @f WHERE election_id = @e AND tree_size = @s AND tx_hash = @x",
            electionId, treeSize, cancellationToken, ("@b", blockNumber), ("@f", finalAt), ("@x", transactionHash));

    /// <summary>
    /// Queues a mined checkpoint again: the chain no longer holds its anchor (a reorganisation undid
    /// the block). <paramref name="reason"/> is kept as its last error, which also makes the next attempt
    /// look for the anchor on chain before sending another, and the undone transaction as the one in
    /// flight: a node that put it back in its pool mines it again, and it is waited for, not doubled.
    /// </summary>
    public Task RequeueAsync(string electionId, long treeSize, string transactionHash, string reason, CancellationToken cancellationToken) =>
        UpdateAsync(
            """
            UPDATE checkpoints SET tx_hash = NULL, block_number = NULL, anchored_at = NULL, final_at = NULL, pending_tx = @x, pending_raw = NULL, last_error = @r
            WHERE election_id = @e AND tree_size = @s AND tx_hash = @x AND final_at IS NULL
            """,
            electionId, treeSize, cancellationToken, ("@r", Truncated(reason)), ("@x", transactionHash));

    /// <summary>
    /// Records the anchor transaction about to be sent for a queued checkpoint (before it is sent, and
    /// waited for), with its signed bytes when known (<paramref name="raw"/>, hex): sent again as it is
    /// if the node turns out not to hold it.
    /// </summary>
    public Task SetPendingAsync(string electionId, long treeSize, string transactionHash, string? raw, CancellationToken cancellationToken) =>
        UpdateAsync(
            "UPDATE checkpoints SET pending_tx = @x, pending_raw = @r WHERE election_id = @e AND tree_size = @s AND tx_hash IS NULL",
            electionId, treeSize, cancellationToken, ("@x", transactionHash), ("@r", raw is null ? null : Convert.FromHexString(raw.AsSpan(raw.StartsWith("0x", StringComparison.Ordinal) ? 2 : 0))));

    /// <summary>
    /// Forgets <paramref name="transactionHash"/> as the queued checkpoint's transaction in flight (it was
    /// mined without anchoring it): the next attempt signs a new one.
    /// </summary>
    public Task ClearPendingAsync(string electionId, long treeSize, string transactionHash, CancellationToken cancellationToken) =>
        UpdateAsync(
            "UPDATE checkpoints SET pending_tx = NULL, pending_raw = NULL WHERE election_id = @e AND tree_size = @s AND tx_hash IS NULL AND pending_tx = @x",
            electionId, treeSize, cancellationToken, ("@x", transactionHash));

    public Task MarkFailedAsync(string electionId, long treeSize, string error, CancellationToken cancellationToken) =>
        UpdateAsync("UPDATE checkpoints SET last_error = @x WHERE election_id = @e AND tree_size = @s", electionId, treeSize, cancellationToken, ("@x", Truncated(error)));

    /// <summary>Errors are kept to the column's 500 characters.</summary>
    private static string Truncated(string error) => error.Length > 500 ? error[..500] : error;

    /// <summary>One statement on the checkpoint <c>@e</c>/<c>@s</c>, with its other parameters.</summary>
    private async Task UpdateAsync(string sql, string electionId, long treeSize, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var connection = await connections.OpenLogAsync(cancellationToken);
        await using var command = new MySqlCommand(sql, connection);
        command.Parameters.AddWithValue("@e", electionId);
        command.Parameters.AddWithValue("@s", treeSize);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The anchor contract recorded for a chain, or null.</summary>
    public async Task<string?> AnchorContractAsync(long chainId, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenLogAsync(cancellationToken);
        await using var command = new MySqlCommand("SELECT address FROM anchor_contracts WHERE chain_id = @c", connection);
        command.Parameters.AddWithValue("@c", chainId);
        return await command.ExecuteScalarAsync(cancellationToken) as string;
    }

    /// <summary>Records (or replaces) the anchor contract of a chain.</summary>
    public async Task SetAnchorContractAsync(long chainId, string address, string deployTransaction, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenLogAsync(cancellationToken);
        await using var command = new MySqlCommand(
            "REPLACE INTO anchor_contracts (chain_id, address, deploy_tx, deployed_at) VALUES (@c, @a, @x, UTC_TIMESTAMP(3))", connection);
        command.Parameters.AddWithValue("@c", chainId);
        command.Parameters.AddWithValue("@a", address);
        command.Parameters.AddWithValue("@x", deployTransaction);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private async Task<List<Checkpoint>> QueryAsync(string sql, string electionId, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenLogAsync(cancellationToken);
        await using var command = new MySqlCommand(sql, connection);
        command.Parameters.AddWithValue("@e", electionId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var list = new List<Checkpoint>();
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(new Checkpoint(
                reader.GetString(0), reader.GetInt64(1), (byte[])reader[2], reader.GetDateTime(3),
                reader.IsDBNull(4) ? null : reader.GetString(4),
                reader.IsDBNull(5) ? null : Convert.ToInt64(reader[5], CultureInfo.InvariantCulture),
                reader.IsDBNull(6) ? null : reader.GetDateTime(6),
                reader.IsDBNull(7) ? null : reader.GetString(7),
                reader.IsDBNull(8) ? null : reader.GetDateTime(8),
                reader.IsDBNull(9) ? null : reader.GetString(9),
                reader.IsDBNull(10) ? null : "0x" + Convert.ToHexStringLower((byte[])reader[10])));
        }

        return list;
    }
}
