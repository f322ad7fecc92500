using System.Globalization;
using StackExchange.Redis;

namespace Voting.Bench.Gate;

/// <summary>
/// What the gate leaves in Redis per accepted voter (the accepted-marker and whatever else stays after
/// the commit), apart from the filter's bitmaps, whose size is fixed by the filter's shape.
/// </summary>
internal static class RedisMemory
{
    public static async Task<(long UsedBytes, long Keys)> SampleAsync(IConnectionMultiplexer redis)
    {
        var server = redis.GetServers().First(s => s.IsConnected && !s.IsReplica);
        var fields = (await server.InfoAsync("memory")).SelectMany(g => g).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        var used = fields.TryGetValue("used_memory", out var value)
            ? long.Parse(value, CultureInfo.InvariantCulture)
            : throw new InvalidOperationException("Redis INFO memory has no used_memory");
        return (used, await server.DatabaseSizeAsync());
    }

    /// <summary>
    /// Bytes Redis has allocated for the election's filter bitmaps (bitmap backend), from <c>MEMORY USAGE</c>:
    /// a bitmap grown by setting ever higher bits keeps up to a megabyte of spare room, which its length does not show.
    /// </summary>
    public static async Task<long> FilterBytesAsync(IConnectionMultiplexer redis, string keyPrefix, string electionId, int shards)
    {
        var database = redis.GetDatabase();
        var usages = await Task.WhenAll(Enumerable.Range(0, shards).Select(shard =>
            database.ExecuteAsync("MEMORY", "USAGE", $"{keyPrefix}bloom:{electionId}:{{{shard}}}")));
        return usages.Sum(u => u.IsNull ? 0 : (long)u);
    }
}
