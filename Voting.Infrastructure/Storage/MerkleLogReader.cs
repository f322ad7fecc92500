using System.Globalization;
using System.Runtime.CompilerServices;
using MySqlConnector;
using Voting.Core.Merkle;
using Voting.Infrastructure.MySql;

namespace Voting.Infrastructure.Storage;

/// <summary>Reads an election's Merkle log: its size, its leaves in order, a ballot hash's position.</summary>
public sealed class MerkleLogReader(MySqlShardConnections connections)
{
    /// <summary>Leaves appended so far, every position below filled (0 for an election with none).</summary>
    public Task<long> TreeSizeAsync(string electionId, CancellationToken cancellationToken) =>
        HeadAsync("tree_size", electionId, cancellationToken);

    /// <summary>
    /// Positions handed out to appenders so far (<see cref="MerkleLogReservations"/>): at least the
    /// tree size; leaves between the two may be filled already, ahead of a range still being filled.
    /// </summary>
    public Task<long> ReservedSizeAsync(string electionId, CancellationToken cancellationToken) =>
        HeadAsync("GREATEST(tree_size, reserved_size)", electionId, cancellationToken);

    private async Task<long> HeadAsync(string column, string electionId, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenLogAsync(cancellationToken);
        await using var command = new MySqlCommand($"SELECT {column} FROM merkle_heads WHERE election_id = @e", connection);
        command.Parameters.AddWithValue("@e", electionId);
        return await command.ExecuteScalarAsync(cancellationToken) is { } size and not DBNull
            ? Convert.ToInt64(size, CultureInfo.InvariantCulture)
            : 0;
    }

    /// <summary>The ballot hashes (leaf data) at positions [<paramref name="from"/>, <paramref name="to"/>), in order.</summary>
    public async IAsyncEnumerable<(long Index, byte[] BallotHash)> LeavesAsync(
        string electionId, long from, long to, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        const int page = 50_000;
        await using var connection = await connections.OpenLogAsync(cancellationToken);
        for (var start = from; start < to; start += page)
        {
            await using var command = new MySqlCommand(
                "SELECT leaf_index, ballot_hash FROM merkle_leaves WHERE election_id = @e AND leaf_index >= @from AND leaf_index < @to ORDER BY leaf_index",
                connection);
            command.Parameters.AddWithValue("@e", electionId);
            command.Parameters.AddWithValue("@from", start);
            command.Parameters.AddWithValue("@to", Math.Min(to, start + page));
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                yield return (reader.GetInt64(0), (byte[])reader[1]);
            }
        }
    }

    /// <summary>
    /// The election and position of a ballot hash in the log, or null when it has none (yet). A void
    /// leaf's data (<see cref="VoidLeaf"/>) is in the log but is no ballot's hash, so it finds nothing:
    /// no receipt reads "recorded" or gets a proof for a position that holds no ballot.
    /// </summary>
    public async Task<(string ElectionId, long LeafIndex)?> FindAsync(byte[] ballotHash, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenLogAsync(cancellationToken);
        await using var command = new MySqlCommand("SELECT election_id, leaf_index FROM merkle_leaves WHERE ballot_hash = @h", connection);
        command.Parameters.AddWithValue("@h", ballotHash);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        var (electionId, leafIndex) = (reader.GetString(0), reader.GetInt64(1));
        return VoidLeaf.Is(electionId, leafIndex, ballotHash) ? null : (electionId, leafIndex);
    }
}
