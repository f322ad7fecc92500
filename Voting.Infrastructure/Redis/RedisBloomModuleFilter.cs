using StackExchange.Redis;
using Voting.Core.Dedup;

namespace Voting.Infrastructure.Redis;

/// <summary>
/// Bloom filter on the RedisBloom module (Redis Stack / Redis 8: <c>BF.*</c>), one filter per shard
/// key, reserved at the configured capacity and error rate on first use.
/// </summary>
public sealed class RedisBloomModuleFilter(
    IConnectionMultiplexer redis,
    RedisOptions redisOptions,
    BloomFilterShape shape,
    BloomFilterOptions options) : IVoterBloomFilter
{
    private readonly HashSet<string> reserved = [];
    private readonly Lock gate = new();

    public string Backend => "module";

    public async Task<bool> MightContainAsync(string electionId, byte[] pseudonym) =>
        (long)await redis.GetDatabase().ExecuteAsync("BF.EXISTS", Key(electionId, pseudonym), pseudonym) == 1;

    public async Task<bool> AddAsync(string electionId, byte[] pseudonym)
    {
        var key = Key(electionId, pseudonym);
        await EnsureReservedAsync(key);
        // BF.ADD answers 1 when the item was newly added, 0 when it may have existed.
        return (long)await redis.GetDatabase().ExecuteAsync("BF.ADD", key, pseudonym) == 0;
    }

    private async Task EnsureReservedAsync(string key)
    {
        lock (gate)
        {
            if (reserved.Contains(key))
            {
                return;
            }
        }

        var capacity = Math.Max(1, options.ExpectedVoters / shape.Shards);
        try
        {
            await redis.GetDatabase().ExecuteAsync("BF.RESERVE", key, options.FalsePositiveRate, capacity);
        }
        catch (RedisServerException e) when (e.Message.Contains("exists", StringComparison.OrdinalIgnoreCase))
        {
            // Reserved by another instance (or an earlier run): fine.
        }

        lock (gate)
        {
            reserved.Add(key);
        }
    }

    private string Key(string electionId, byte[] pseudonym)
    {
        Span<long> offsets = stackalloc long[shape.HashCount];
        return VoterFilterKeys.Filter(redisOptions.KeyPrefix, electionId, shape, shape.Locate(pseudonym, offsets), module: true)!;
    }
}
