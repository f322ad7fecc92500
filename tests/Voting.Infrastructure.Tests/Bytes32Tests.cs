using System.Security.Cryptography;
using Voting.Infrastructure.MySql;

namespace Voting.Infrastructure.Tests;

/// <summary>
/// Ballot hashes and pseudonyms are dictionary keys while a batch is recorded: two values must be
/// the same key exactly when every byte is the same, or a replay could pass for a new ballot (or
/// the other way round).
/// </summary>
public sealed class Bytes32Tests
{
    [Fact]
    public void Equal_bytes_are_one_key_and_any_changed_byte_is_another()
    {
        var value = SHA256.HashData("ballot"u8);
        var key = new Bytes32(value);
        Assert.Equal(key, new Bytes32((byte[])value.Clone()));
        Assert.Equal(key.GetHashCode(), new Bytes32((byte[])value.Clone()).GetHashCode());

        var keys = new HashSet<Bytes32> { key };
        for (var i = 0; i < Bytes32.Size; i++)
        {
            foreach (var flip in new byte[] { 0x01, 0x80 })
            {
                var changed = (byte[])value.Clone();
                changed[i] ^= flip;
                Assert.NotEqual(key, new Bytes32(changed));
                Assert.True(keys.Add(new Bytes32(changed)), $"byte {i} ^ {flip:X2} collided with another key");
            }
        }

        Assert.Equal(1 + Bytes32.Size * 2, keys.Count);
    }

    [Fact]
    public void Keys_sort_as_MySQL_sorts_binary_columns()
    {
        // Unsigned, first byte first: 0x80 sorts after 0x7F, and a difference in the last byte counts.
        var random = new Random(2028);
        var values = Enumerable.Range(0, 500).Select(_ => { var v = new byte[Bytes32.Size]; random.NextBytes(v); return v; }).ToList();
        var edge = new byte[Bytes32.Size];
        values.Add((byte[])edge.Clone());
        edge[0] = 0x7F;
        values.Add((byte[])edge.Clone());
        edge[0] = 0x80;
        values.Add((byte[])edge.Clone());
        edge[31] = 0x01;
        values.Add((byte[])edge.Clone());
        values.Add(Enumerable.Repeat((byte)0xFF, Bytes32.Size).ToArray());

        var byBytes = values.Order(Comparer<byte[]>.Create((x, y) => x.AsSpan().SequenceCompareTo(y))).Select(Convert.ToHexString);
        var byKeys = values.Select(v => new Bytes32(v)).Order().Select(k => k.ToString());
        Assert.Equal(byBytes, byKeys);
    }

    [Fact]
    public void A_key_shows_its_bytes_in_hex()
    {
        var value = SHA256.HashData("ballot"u8);
        Assert.Equal(Convert.ToHexString(value), new Bytes32(value).ToString());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(16)]
    [InlineData(31)]
    [InlineData(33)]
    public void Only_32_bytes_make_a_key(int length)
    {
        var error = Assert.Throws<ArgumentException>(() => new Bytes32(new byte[length]));
        Assert.Contains($"not {length} bytes", error.Message);
    }

    [Fact]
    public void Voters_are_one_key_only_in_the_same_election()
    {
        var pseudonym = new Bytes32(SHA256.HashData("voter"u8));
        Assert.Equal(new ParticipationKey("general-2028", pseudonym), new ParticipationKey("general-2028", new Bytes32(SHA256.HashData("voter"u8))));
        Assert.NotEqual(new ParticipationKey("general-2028", pseudonym), new ParticipationKey("primary-2028", pseudonym));
    }
}
