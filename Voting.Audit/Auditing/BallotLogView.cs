namespace Voting.Audit.Auditing;

/// <summary>
/// An audit's view of an election's log, leaf by leaf: the hash the log records, the hash recomputed
/// from the ballot row that claims the leaf, and where that row is.
/// </summary>
internal sealed class BallotLogView(long size)
{
    public long Size { get; private set; } = size;

    public byte[]?[] Logged { get; private set; } = new byte[size][];

    public byte[]?[] Rebuilt { get; private set; } = new byte[size][];

    public string?[] RowAt { get; private set; } = new string?[size];

    /// <summary>Makes room for a log grown to <paramref name="size"/> leaves.</summary>
    public void Grow(long size)
    {
        if (size <= Size)
        {
            return;
        }

        var logged = Logged;
        var rebuilt = Rebuilt;
        var rowAt = RowAt;
        Array.Resize(ref logged, (int)size);
        Array.Resize(ref rebuilt, (int)size);
        Array.Resize(ref rowAt, (int)size);
        (Logged, Rebuilt, RowAt, Size) = (logged, rebuilt, rowAt, size);
    }

    /// <summary>Leaves with no row placed yet.</summary>
    public IEnumerable<long> Missing()
    {
        for (var leaf = 0L; leaf < Size; leaf++)
        {
            if (Rebuilt[leaf] is null)
            {
                yield return leaf;
            }
        }
    }
}
