using System.Globalization;
using StackExchange.Redis;
using Voting.Core.Dedup;
using Voting.Infrastructure.Redis;

namespace Voting.Bench.Gate;

/// <summary>
/// A Redis server's own figures, from its primary: the main thread's CPU (the thread that runs every
/// script, so the one a hash tag's load must fit in), its memory and key count, and what the filter's
/// bitmaps take.
/// </summary>
internal static class RedisStats
{
    /// <summary>CPU seconds the main thread has used (<c>INFO cpu</c>).</summary>
    public static async Task<double> MainThreadSecondsAsync(IConnectionMultiplexer redis)
    {
        var cpu = await InfoAsync(redis, "cpu");
        return Field(cpu, "used_cpu_user_main_thread") + Field(cpu, "used_cpu_sys_main_thread");
    }

    /// <summary>Bytes in use (<c>INFO memory</c>) and keys held.</summary>
    public static async Task<(long UsedBytes, long Keys)> MemoryAsync(IConnectionMultiplexer redis)
    {
        var used = (long)Field(await InfoAsync(redis, "memory"), "used_memory");
        return (used, await Primary(redis).DatabaseSizeAsync());
    }

    /// <summary>
    /// Bytes Redis has allocated for the election's filter bitmaps (bitmap backend), from <c>MEMORY USAGE</c>:
    /// a bitmap grown by setting ever higher bits keeps up to a megabyte of spare room, which its length does not show.
    /// </summary>
    public static async Task<long> FilterBytesAsync(IConnectionMultiplexer redis, string keyPrefix, string electionId, BloomFilterShape shape)
    {
        var database = redis.GetDatabase();
        var usages = await Task.WhenAll(Enumerable.Range(0, shape.Shards).Select(shard =>
            database.ExecuteAsync("MEMORY", "USAGE", VoterFilterKeys.Filter(keyPrefix, electionId, shape, shard, module: false))));
        return usages.Sum(u => u.IsNull ? 0 : (long)u);
    }

    // A one-node cluster may be listed under two endpoints (the one dialled, the one it announces): one server either way.
    private static IServer Primary(IConnectionMultiplexer redis) =>
        redis.GetServers().FirstOrDefault(s => s.IsConnected && !s.IsReplica)
        ?? throw new InvalidOperationException("no connected Redis primary to read figures from");

    private static async Task<Dictionary<string, string>> InfoAsync(IConnectionMultiplexer redis, string section) =>
        (await Primary(redis).InfoAsync(section)).SelectMany(g => g).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);

    private static double Field(Dictionary<string, string> fields, string name) =>
        fields.TryGetValue(name, out var value)
            ? double.Parse(value, CultureInfo.InvariantCulture)
            : throw new InvalidOperationException($"Redis INFO has no {name} (Redis 6.2 or later reports it)");
}
