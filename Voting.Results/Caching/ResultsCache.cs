using System.Collections.Concurrent;
using System.IO.Hashing;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using Voting.Infrastructure.Hosting;
using Voting.Infrastructure.Redis;

namespace Voting.Results.Caching;

/// <summary>
/// Two cache levels in front of the backend: this instance's memory (short), then Redis (shared by
/// every instance), then the backend. Only one refresh per key runs at a time in an instance, so a
/// hot key expiring under a read storm costs one backend query, not thousands. Each key is written
/// to several Redis keys in different hash slots and read from a random one, so one hot key can't
/// pin one Redis node.
/// </summary>
public sealed class ResultsCache(IConnectionMultiplexer redis, RedisOptions redisOptions, IOptions<ResultsOptions> options, ResultsMetrics metrics, TimeProvider clock)
{
    private readonly ResultsOptions settings = options.Value;

    /// <summary>The Cache-Control every results answer carries (clients and CDNs may keep it this long).</summary>
    public string CacheControl { get; } = $"public, max-age={options.Value.ClientMaxAgeSeconds}";
    private readonly ConcurrentDictionary<string, Entry> local = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Lazy<Task<CachedResponse>>> refreshing = new(StringComparer.Ordinal);

    /// <summary>
    /// The in-process answer for <paramref name="key"/> when there is one to serve (the fast path):
    /// fresh, or just expired while one refresh runs in the background; else null.
    /// </summary>
    public CachedResponse? TryGetFresh(string key) => TryLocal(key);

    /// <summary>
    /// The answer for <paramref name="key"/>: from this instance's memory, else from Redis, else from
    /// <paramref name="load"/> — one refresh in flight per key however many ask. Just after expiry
    /// the previous answer is served while that refresh runs, so a hot key never makes readers wait.
    /// </summary>
    public async Task<CachedResponse> GetAsync(string key, Func<CancellationToken, Task<byte[]>> load, CancellationToken cancellationToken) =>
        TryLocal(key) ?? await RefreshOnceAsync(key, load).WaitAsync(cancellationToken);

    private CachedResponse? TryLocal(string key)
    {
        if (!local.TryGetValue(key, out var entry))
        {
            return null;
        }

        var now = clock.GetUtcNow();
        if (entry.Expires > now)
        {
            metrics.LocalHit();
            return entry.Response;
        }

        // Expired less than one local lifetime ago: serve it once more while one refresh runs, so
        // results are at most 2 × local + shared old, and nobody queues behind the refresh.
        if (entry.Expires.AddMilliseconds(settings.LocalCacheMilliseconds) > now)
        {
            if (!refreshing.ContainsKey(key))
            {
                // Nobody awaits this one: a failure is observed here and retried by the next reader.
                LeftBehind.Observe(RefreshOnceAsync(key, entry.Load));
            }

            metrics.StaleHit();
            return entry.Response;
        }

        return null;
    }

    private Task<CachedResponse> RefreshOnceAsync(string key, Func<CancellationToken, Task<byte[]>> load) =>
        refreshing.GetOrAdd(key, k => new Lazy<Task<CachedResponse>>(() => RefreshAndForgetAsync(k, load))).Value;

    /// <summary>One flight: refreshes, then leaves the table so the next expiry starts a new one.</summary>
    private async Task<CachedResponse> RefreshAndForgetAsync(string key, Func<CancellationToken, Task<byte[]>> load)
    {
        try
        {
            return await RefreshAsync(key, load);
        }
        finally
        {
            refreshing.TryRemove(key, out _);
        }
    }

    private async Task<CachedResponse> RefreshAsync(string key, Func<CancellationToken, Task<byte[]>> load)
    {
        // Not the caller's token: the refresh serves every waiter, it must not die with the first one.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var database = redis.GetDatabase();
        byte[]? json = null;
        Task<RedisValue>? read = null;
        try
        {
            // Redis is a cache here: down, or hung (its client would wait seconds), go to the backend.
            read = database.StringGetAsync(ReplicaKey(key, Random.Shared.Next(settings.HotKeyReplicas)));
            json = await read.WaitAsync(TimeSpan.FromMilliseconds(settings.SharedCacheReadTimeoutMilliseconds), clock);
            if (json is not null)
            {
                metrics.RedisHit();
            }
        }
        catch (Exception e) when (RedisFailure.Is(e) || e is TimeoutException)
        {
            LeftBehind.Observe(read);
        }

        if (json is null)
        {
            json = await load(timeout.Token);
            // Shared with the other instances without making anyone here wait for Redis; a write that
            // fails (or can't be sent: no connection) is observed and left to the next refresh.
            try
            {
                var ttl = TimeSpan.FromMilliseconds(settings.SharedCacheMilliseconds);
                var batch = database.CreateBatch();
                var writes = Enumerable.Range(0, settings.HotKeyReplicas).Select(i => batch.StringSetAsync(ReplicaKey(key, i), json, ttl)).ToArray();
                batch.Execute();
                LeftBehind.Observe(Task.WhenAll(writes));
            }
            catch (Exception e) when (RedisFailure.Is(e))
            {
                // The next refresh tries again.
            }
        }

        var response = new CachedResponse(json, $"\"{Convert.ToHexStringLower(XxHash64.Hash(json))}\"");
        local[key] = new Entry(response, clock.GetUtcNow().AddMilliseconds(settings.LocalCacheMilliseconds), load);
        return response;
    }

    private sealed record Entry(CachedResponse Response, DateTimeOffset Expires, Func<CancellationToken, Task<byte[]>> Load);

    // The replica number goes inside the hash tag: replicas of one key land in different slots.
    private RedisKey ReplicaKey(string key, int replica) => $"{redisOptions.KeyPrefix}results:{{{key}:{replica}}}";
}
