using Voting.Core.Ballots;
using Voting.Core.Sharding;
using Voting.Infrastructure.MySql;

namespace Voting.Infrastructure.Storage;

/// <summary>
/// Gives ballots their places in the elections' append-only Merkle logs. The processor appends a
/// batch's new ballots before its shard transactions, which write each ballot row once, with its
/// leaf index (<see cref="BatchRecorder"/>). A crash in between replays the batch: its ballots come
/// back here, and a hash already in the log keeps its position. Exactly once across crashes and
/// concurrent processors: each append fills a range of positions handed to it alone
/// (<see cref="MerkleLogReservations"/>; appenders insert at the same time, only handing out ranges
/// and moving the log's size are serialized), and the unique key on the leaf hash lets no ballot in twice.
/// </summary>
public sealed class MerkleLogAppender(MySqlShardConnections connections)
{
    private readonly MerkleLogReservations reservations = new(connections);

    /// <summary>
    /// Appends the hashes of <paramref name="ballots"/> that the log does not hold yet, in hash
    /// order, and returns the position of every one of them (new or already there). First releases
    /// the election's ranges whose appender is gone (<see cref="MerkleLogReservations.ReleaseAbandonedAsync(string, CancellationToken)"/>),
    /// so that a crashed appender's range does not hold the log's size back.
    /// </summary>
    public async Task<LogPositions> AppendAsync(IReadOnlyCollection<VoteMessage> ballots, CancellationToken cancellationToken)
    {
        var rows = Entries(ballots);
        var positions = new Dictionary<Bytes32, long>(rows.Count);
        var appended = 0;
        foreach (var election in rows.GroupBy(r => r.ElectionId, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            await reservations.ReleaseAbandonedAsync(election.Key, cancellationToken);
            var hashes = election.Select(r => r.BallotHash).ToList();
            appended += await AppendElectionAsync(election.Key, hashes, positions, cancellationToken);
        }

        return new LogPositions(positions, appended);
    }

    /// <summary>
    /// Reserves a range for <paramref name="hashes"/> and fills it in the session that holds it. A
    /// fill that fails leaves its range abandoned (its lock goes with the session), for the next
    /// append or checkpoint to release. Returns the leaves written for hashes the log did not hold.
    /// </summary>
    private async Task<int> AppendElectionAsync(string electionId, List<byte[]> hashes, Dictionary<Bytes32, long> positions, CancellationToken cancellationToken)
    {
        while (true)
        {
            await using var range = await reservations.ReserveAsync(electionId, hashes.Count, cancellationToken);
            if (await reservations.FillAsync(range, hashes, cancellationToken) is not { } filled)
            {
                continue; // the session was lost and the range released meanwhile: reserve again
            }

            var (first, count) = (range.Reservation.First, range.Reservation.Count);
            var appended = 0;
            foreach (var (hash, leaf) in filled)
            {
                positions[hash] = leaf;
                appended += leaf >= first && leaf < first + count ? 1 : 0;
            }

            return appended;
        }
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
