using Voting.Core.Ballots;
using Voting.Infrastructure.Storage;

namespace Voting.Audit.Auditing;

/// <summary>
/// An audit's view of the ballot rows by leaf of the election's log: for each leaf, the hash recomputed
/// from the row that claims it and where that row is.
/// </summary>
/// <remarks>
/// An audit reads every row before it can compare any with the log (rows come table by table, the log
/// in leaf order), so this is the one thing it holds for every ballot. It takes 38 bytes a leaf, in
/// columns of 65,536 leaves with no object per leaf: the recomputed hash (32), the first 4 bytes of
/// the row's ballot id (4) and its table, as a number standing for one of the election's 1,024
/// "database.table" names (2). 150 million ballots take 5.7 GB.
/// <para>
/// A finding names a row by its table and the start of its ballot id (<c>voting_s03.ballots_17 ballot
/// 6f3a09c2…</c>; <c>WHERE ballot_id &gt;= X'6f3a09c2' AND ballot_id &lt; X'6f3a09c3'</c> finds it), and never
/// the whole id: findings are public, and whoever holds a receipt and its whole ballot id can try each
/// state and candidate until one hashes to the receipt — the choice the ballot id is there to hide.
/// In a table of 50,000 rows (50 million ballots) a row shares its 4 bytes with another about once in
/// 90,000; the leaf a finding gives tells such rows apart.
/// </para>
/// </remarks>
internal sealed class BallotLogView(long size)
{
    private const int ChunkShift = 16;
    private const int ChunkLeaves = 1 << ChunkShift;
    private const int BallotIdSize = 16;

    /// <summary>How much of a ballot id a finding shows (and the view keeps): 4 of its 16 bytes.</summary>
    private const int ShownBallotIdBytes = 4;

    private readonly List<Chunk> chunks = [];

    // Table number 0 stands for "no row".
    private readonly List<string> tables = [string.Empty];
    private readonly Dictionary<(string Database, string Table), ushort> tableNumbers = [];

    /// <summary>Leaves the view covers: the log's size when the audit last read it.</summary>
    public long Size { get; private set; } = size;

    /// <summary>How a finding names a row: "database.table ballot" and the first 4 bytes of its id, hex, then "…".</summary>
    public static string Where(StoredBallot row) => row.BallotId.Length > ShownBallotIdBytes
        ? Where($"{row.Database}.{row.Table}", row.BallotId.AsSpan(0, ShownBallotIdBytes))
        : $"{row.Database}.{row.Table} ballot {Convert.ToHexStringLower(row.BallotId)}";

    /// <summary>Covers a log grown to <paramref name="size"/> leaves.</summary>
    public void Grow(long size) => Size = Math.Max(Size, size);

    /// <summary>Whether a row has been placed at <paramref name="leaf"/>.</summary>
    public bool HasRow(long leaf) => ChunkOf(leaf) is { } chunk && chunk.Tables[Offset(leaf)] != 0;

    /// <summary>The hash recomputed from the row placed at <paramref name="leaf"/> (see <see cref="HasRow"/>).</summary>
    public ReadOnlySpan<byte> Rebuilt(long leaf) => ChunkOf(leaf)!.Rebuilt.AsSpan(Offset(leaf) * BallotHash.Size, BallotHash.Size);

    /// <summary>Where the row placed at <paramref name="leaf"/> is, as findings name it.</summary>
    public string RowAt(long leaf)
    {
        var chunk = ChunkOf(leaf)!;
        var offset = Offset(leaf);
        return Where(tables[chunk.Tables[offset]], chunk.BallotIds.AsSpan(offset * ShownBallotIdBytes, ShownBallotIdBytes));
    }

    /// <summary>
    /// Places <paramref name="row"/>, whose content hashes to <paramref name="recomputed"/>, at
    /// <paramref name="leaf"/> (below <see cref="Size"/>); false, with the row already there, when
    /// another row claimed the leaf first.
    /// </summary>
    public bool TryPlace(long leaf, StoredBallot row, ReadOnlySpan<byte> recomputed, out string claimedBy)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(leaf);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(leaf, Size);
        if (row.BallotId.Length != BallotIdSize)
        {
            throw new ArgumentException($"A ballot id has {BallotIdSize} bytes; {Where(row)} has {row.BallotId.Length}.", nameof(row));
        }

        if (HasRow(leaf))
        {
            claimedBy = RowAt(leaf);
            return false;
        }

        var chunk = ChunkFor(leaf);
        var offset = Offset(leaf);
        recomputed.CopyTo(chunk.Rebuilt.AsSpan(offset * BallotHash.Size, BallotHash.Size));
        row.BallotId.AsSpan(0, ShownBallotIdBytes).CopyTo(chunk.BallotIds.AsSpan(offset * ShownBallotIdBytes, ShownBallotIdBytes));
        chunk.Tables[offset] = TableNumber(row.Database, row.Table);
        claimedBy = string.Empty;
        return true;
    }

    /// <summary>A row named by the start of its ballot id (<see cref="ShownBallotIdBytes"/> bytes of 16).</summary>
    private static string Where(string table, ReadOnlySpan<byte> ballotIdStart) => $"{table} ballot {Convert.ToHexStringLower(ballotIdStart)}…";

    private static int Offset(long leaf) => (int)(leaf & (ChunkLeaves - 1));

    private Chunk? ChunkOf(long leaf)
    {
        var index = leaf >> ChunkShift;
        return index < chunks.Count ? chunks[(int)index] : null;
    }

    private Chunk ChunkFor(long leaf)
    {
        var index = (int)(leaf >> ChunkShift);
        while (chunks.Count <= index)
        {
            chunks.Add(new Chunk());
        }

        return chunks[index];
    }

    private ushort TableNumber(string database, string table)
    {
        if (!tableNumbers.TryGetValue((database, table), out var number))
        {
            if (tables.Count > ushort.MaxValue)
            {
                throw new InvalidOperationException($"An audit tells apart at most {ushort.MaxValue} ballot tables; {database}.{table} is one more.");
            }

            number = (ushort)tables.Count;
            tables.Add($"{database}.{table}");
            tableNumbers.Add((database, table), number);
        }

        return number;
    }

    /// <summary>The columns of 65,536 consecutive leaves.</summary>
    private sealed class Chunk
    {
        public byte[] Rebuilt { get; } = new byte[ChunkLeaves * BallotHash.Size];

        public byte[] BallotIds { get; } = new byte[ChunkLeaves * ShownBallotIdBytes];

        public ushort[] Tables { get; } = new ushort[ChunkLeaves];
    }
}
