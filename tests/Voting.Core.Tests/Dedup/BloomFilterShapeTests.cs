using System.Collections;
using System.Security.Cryptography;
using Voting.Core.Dedup;

namespace Voting.Core.Tests.Dedup;

public sealed class BloomFilterShapeTests
{
    [Fact]
    public void Fifty_million_voters_at_one_in_ten_thousand_needs_about_115_MiB_and_13_hashes()
    {
        var shape = BloomFilterShape.For(50_000_000, 0.0001, shards: 64);
        Assert.Equal(13, shape.HashCount);
        Assert.InRange(shape.TotalBytes / 1024.0 / 1024.0, 110, 120);
    }

    [Fact]
    public void Measured_false_positive_rate_matches_the_design_rate()
    {
        const int n = 20_000;
        var shape = BloomFilterShape.For(n, 0.01, shards: 4);
        var bits = Enumerable.Range(0, shape.Shards).Select(_ => new BitArray(checked((int)shape.BitsPerShard))).ToArray();
        Span<long> offsets = stackalloc long[shape.HashCount];
        for (var i = 0; i < n; i++)
        {
            var shard = shape.Locate(RandomNumberGenerator.GetBytes(32), offsets);
            foreach (var offset in offsets)
            {
                bits[shard][(int)offset] = true;
            }
        }

        var falsePositives = 0;
        const int probes = 50_000;
        for (var i = 0; i < probes; i++)
        {
            var shard = shape.Locate(RandomNumberGenerator.GetBytes(32), offsets);
            var all = true;
            foreach (var offset in offsets)
            {
                all &= bits[shard][(int)offset];
            }

            falsePositives += all ? 1 : 0;
        }

        Assert.InRange(falsePositives / (double)probes, 0.004, 0.02);
    }

    [Fact]
    public void An_item_always_maps_to_the_same_shard_and_bits_within_range()
    {
        var shape = BloomFilterShape.For(1_000_000, 0.001, shards: 16);
        var item = RandomNumberGenerator.GetBytes(32);
        var first = new long[shape.HashCount];
        var second = new long[shape.HashCount];
        Assert.Equal(shape.Locate(item, first), shape.Locate(item, second));
        Assert.Equal(first, second);
        Assert.All(first, o => Assert.InRange(o, 0, shape.BitsPerShard - 1));
        Assert.Equal(shape.HashCount, first.Distinct().Count());
    }

    [Fact]
    public void Impossible_shapes_are_rejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => BloomFilterShape.For(0, 0.01, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => BloomFilterShape.For(10, 0, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => BloomFilterShape.For(10, 1, 1));
        Assert.Throws<ArgumentException>(() => BloomFilterShape.For(5_000_000_000, 0.0001, 1));
    }
}
