namespace Voting.Infrastructure.MySql;

/// <summary>Orders byte strings as MySQL orders BINARY columns (unsigned, lexicographic).</summary>
internal sealed class ByteOrder : IComparer<byte[]>
{
    public static ByteOrder Instance { get; } = new();

    public int Compare(byte[]? x, byte[]? y) => x.AsSpan().SequenceCompareTo(y);
}
