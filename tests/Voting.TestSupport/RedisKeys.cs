using StackExchange.Redis;

namespace Voting.TestSupport;

/// <summary>Asynchronous key listing and clean-up for tests (a synchronous SCAN can starve a busy test host).</summary>
public static class RedisKeys
{
    public static async Task<List<RedisKey>> ListAsync(IConnectionMultiplexer redis, string prefix)
    {
        var keys = new List<RedisKey>();
        await foreach (var key in redis.GetServers().Single().KeysAsync(pattern: prefix + "*"))
        {
            keys.Add(key);
        }

        return keys;
    }

    public static async Task DeleteAsync(IConnectionMultiplexer redis, string prefix)
    {
        var keys = await ListAsync(redis, prefix);
        if (keys.Count > 0)
        {
            await redis.GetDatabase().KeyDeleteAsync([.. keys]);
        }
    }
}
