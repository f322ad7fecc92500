using System.Buffers.Binary;
using System.IO.Hashing;

namespace Voting.Core.Dedup;

/// <summary>
/// Size and hashing of the "has this voter already voted?" Bloom filter, split into shards so
/// that no single key (or cluster node) holds it all. Pure: where the bits live is the adapter's
/// business; which bits an item maps to is decided here, once.
/// </summary>
public sealed record BloomFilterShape
{
    private BloomFilterShape(int shards, long bitsPerShard, int hashCount)
    {
        Shards = shards;
        BitsPerShard = bitsPerShard;
        HashCount = hashCount;
    }

    public int Shards { get; }

    public long BitsPerShard { get; }

    public int HashCount { get; }

    public long TotalBits => BitsPerShard * Shards;

    /// <summary>
    /// Names this layout (shards, bits per shard, hashes), e.g. <c>64s1917012b14k</c>: where a voter's
    /// bits fall depends on all three, so a filter built with one layout must never be read with another.
    /// </summary>
    public string Tag => $"{Shards}s{BitsPerShard}b{HashCount}k";

    /// <summary>Bytes of memory the bits take (what Redis will hold).</summary>
    public long TotalBytes => (TotalBits + 7) / 8;

    /// <summary>The optimal shape for <paramref name="expectedItems"/> at <paramref name="falsePositiveRate"/>.</summary>
    public static BloomFilterShape For(long expectedItems, double falsePositiveRate, int shards)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(expectedItems, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(falsePositiveRate, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(falsePositiveRate, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(shards, 1);

        // m = -n ln p / (ln 2)^2, k = (m / n) ln 2
        var totalBits = Math.Ceiling(-expectedItems * Math.Log(falsePositiveRate) / (Math.Log(2) * Math.Log(2)));
        var bitsPerShard = Math.Max(64L, (long)Math.Ceiling(totalBits / shards));
        if (bitsPerShard > uint.MaxValue)
        {
            throw new ArgumentException($"{bitsPerShard} bits per shard exceeds Redis's 2^32 bit offsets; use more shards.", nameof(shards));
        }

        var hashCount = Math.Max(1, (int)Math.Round(totalBits / expectedItems * Math.Log(2)));
        return new BloomFilterShape(shards, bitsPerShard, hashCount);
    }

    /// <summary>The shard an item lives in and its <see cref="HashCount"/> bit offsets in that shard.</summary>
    public int Locate(ReadOnlySpan<byte> item, Span<long> offsets)
    {
        if (offsets.Length < HashCount)
        {
            throw new ArgumentException($"Need room for {HashCount} offsets.", nameof(offsets));
        }

        // Double hashing (Kirsch–Mitzenmacher): g_i = h1 + i·h2 gives k independent-enough positions
        // from one 128-bit hash. h2 is forced odd so the positions never collapse onto one.
        Span<byte> digest = stackalloc byte[16];
        XxHash128.Hash(item, digest);
        var h1 = BinaryPrimitives.ReadUInt64LittleEndian(digest);
        var h2 = BinaryPrimitives.ReadUInt64LittleEndian(digest[8..]) | 1;
        var shard = (int)((h1 ^ (h2 >> 1)) % (ulong)Shards);
        var bits = (ulong)BitsPerShard;
        for (var i = 0; i < HashCount; i++)
        {
            offsets[i] = (long)((h1 + (ulong)i * h2) % bits);
        }

        return shard;
    }
}
