using StackExchange.Redis;
using Voting.Core.Dedup;

namespace Voting.Infrastructure.Redis;

/// <summary>
/// Bloom filter on plain Redis bitmaps, for servers without RedisBloom (such as Debian's Redis 7).
/// Bits are chosen by <see cref="BloomFilterShape"/>; a lookup is one BITFIELD GET, an add is one
/// atomic Lua check-and-set (SETBIT returns the previous bit).
/// </summary>
public sealed class RedisBitmapBloomFilter(IConnectionMultiplexer redis, RedisOptions redisOptions, BloomFilterShape shape) : IVoterBloomFilter
{
    // Every bit is set even after the first 0 is seen: the add must be complete whatever the answer.
    private const string CheckAndAddScript =
        "local present = 1 for i = 1, #ARGV do if redis.call('SETBIT', KEYS[1], ARGV[i], 1) == 0 then present = 0 end end return present";

    public string Backend => "bitmap";

    public async Task<bool> MightContainAsync(string electionId, byte[] pseudonym)
    {
        var offsets = new long[shape.HashCount];
        var key = Key(electionId, shape.Locate(pseudonym, offsets));
        var args = new object[1 + offsets.Length * 3];
        args[0] = key;
        for (var i = 0; i < offsets.Length; i++)
        {
            args[1 + i * 3] = "GET";
            args[2 + i * 3] = "u1";
            args[3 + i * 3] = offsets[i];
        }

        var bits = (RedisResult[])(await redis.GetDatabase().ExecuteAsync("BITFIELD", args))!;
        return bits.All(bit => (long)bit == 1);
    }

    public async Task<bool> AddAsync(string electionId, byte[] pseudonym)
    {
        var offsets = new long[shape.HashCount];
        var key = Key(electionId, shape.Locate(pseudonym, offsets));
        var result = await redis.GetDatabase().ScriptEvaluateAsync(
            CheckAndAddScript, [key], [.. offsets.Select(o => (RedisValue)o)]);
        return (long)result == 1;
    }

    private RedisKey Key(string electionId, int shard) => VoterFilterKeys.Filter(redisOptions.KeyPrefix, electionId, shape, shard, module: false);
}
