using System.Security.Cryptography;
using Voting.Core.Hashing;

namespace Voting.Core.Tests.Hashing;

public sealed class ThreadLocalSha256Tests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(33)]
    [InlineData(64)]
    [InlineData(65)]
    [InlineData(257)]
    [InlineData(1 << 20)]
    public void Gives_what_SHA256_gives(int length)
    {
        var data = RandomNumberGenerator.GetBytes(length);
        var hash = new byte[32];

        ThreadLocalSha256.HashData(data, hash);
        ThreadLocalSha256.HashData(data, hash); // the second call on a reused context

        Assert.Equal(SHA256.HashData(data), hash);
    }

    [Fact]
    public void Three_parts_hash_as_their_concatenation()
    {
        var (a, b, c) = (RandomNumberGenerator.GetBytes(1), RandomNumberGenerator.GetBytes(32), RandomNumberGenerator.GetBytes(32));
        var hash = new byte[32];

        ThreadLocalSha256.HashData(a, b, c, hash);

        Assert.Equal(SHA256.HashData([.. a, .. b, .. c]), hash);
    }

    [Fact]
    public void A_call_that_fails_leaves_nothing_behind_for_the_next()
    {
        var data = RandomNumberGenerator.GetBytes(65);

        // Too short a destination fails after the input was appended.
        Assert.ThrowsAny<ArgumentException>(() => ThreadLocalSha256.HashData(data, new byte[16]));
        var hash = new byte[32];
        ThreadLocalSha256.HashData(data, hash);

        Assert.Equal(SHA256.HashData(data), hash);
    }

    [Fact]
    public void Threads_hashing_at_once_each_get_their_own_input_hashed()
    {
        var inputs = Enumerable.Range(0, 20_000).Select(i => RandomNumberGenerator.GetBytes(1 + (i % 200))).ToArray();
        var hashes = new byte[inputs.Length][];

        Parallel.For(0, inputs.Length, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
        {
            hashes[i] = new byte[32];
            ThreadLocalSha256.HashData(inputs[i], hashes[i]);
        });

        for (var i = 0; i < inputs.Length; i++)
        {
            Assert.Equal(SHA256.HashData(inputs[i]), hashes[i]);
        }
    }
}
