using System.Globalization;
using StackExchange.Redis;

namespace Voting.Bench.Gate;

/// <summary>
/// CPU seconds a Redis server's main thread has used, from its own <c>INFO cpu</c>: the thread that
/// runs every script, and so the one a hash tag's load must fit in.
/// </summary>
internal static class RedisCpu
{
    public static async Task<double> MainThreadSecondsAsync(IConnectionMultiplexer redis)
    {
        // A one-node cluster may be listed under two endpoints (the one dialled, the one it announces): one server either way.
        var server = redis.GetServers().FirstOrDefault(s => s.IsConnected && !s.IsReplica)
            ?? throw new InvalidOperationException("no connected Redis primary to read INFO cpu from");
        var fields = (await server.InfoAsync("cpu")).SelectMany(g => g).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        return Seconds(fields, "used_cpu_user_main_thread") + Seconds(fields, "used_cpu_sys_main_thread");
    }

    private static double Seconds(Dictionary<string, string> fields, string name) =>
        fields.TryGetValue(name, out var value)
            ? double.Parse(value, CultureInfo.InvariantCulture)
            : throw new InvalidOperationException($"Redis INFO cpu has no {name} (Redis 6.2 or later reports it)");
}
