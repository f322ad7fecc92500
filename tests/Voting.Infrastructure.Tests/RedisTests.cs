using StackExchange.Redis;
using Voting.TestSupport;

namespace Voting.Infrastructure.Tests;

public sealed class RedisTests : IAsyncLifetime
{
    private readonly string prefix = LocalStack.UniqueName("it") + ":";
    private ConnectionMultiplexer redis = null!;

    public async Task InitializeAsync() => redis = await ConnectionMultiplexer.ConnectAsync(LocalStack.Redis().Configuration);

    public async Task DisposeAsync()
    {
        await RedisKeys.DeleteAsync(redis, prefix);
        await redis.DisposeAsync();
    }

    [Fact]
    public async Task Values_round_trip_and_expire()
    {
        var db = redis.GetDatabase();
        // A TTL long enough that a busy machine can't expire the key before it is read back, then a
        // bounded wait for it to go: the assertion is that it expires, not how punctually.
        Assert.True(await db.StringSetAsync(prefix + "k", "v", TimeSpan.FromSeconds(2)));
        Assert.Equal("v", (string?)await db.StringGetAsync(prefix + "k"));
        var ttl = await db.KeyTimeToLiveAsync(prefix + "k");
        Assert.InRange(ttl ?? TimeSpan.Zero, TimeSpan.FromMilliseconds(1), TimeSpan.FromSeconds(2));
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while ((await db.StringGetAsync(prefix + "k")).HasValue)
        {
            Assert.True(DateTime.UtcNow < deadline, "the key did not expire within 15 s of its 2 s TTL");
            await Task.Delay(100);
        }
    }

    [Fact]
    public async Task A_lock_taken_with_set_nx_is_granted_to_exactly_one_of_many_contenders()
    {
        var db = redis.GetDatabase();
        var attempts = await Task.WhenAll(Enumerable.Range(0, 100).Select(i =>
            db.StringSetAsync(prefix + "lock", i, TimeSpan.FromSeconds(5), When.NotExists)));
        Assert.Equal(1, attempts.Count(granted => granted));
    }

    [Fact]
    public async Task A_Lua_script_sets_bits_atomically_and_reports_what_was_there()
    {
        // The primitive the Bloom-filter fallback needs: SETBIT returns the previous bit.
        const string script = "local old = 0 for i, bit in ipairs(ARGV) do old = old + redis.call('SETBIT', KEYS[1], bit, 1) end return old";
        var db = redis.GetDatabase();
        var first = (long)await db.ScriptEvaluateAsync(script, [prefix + "bits"], [3, 17, 1_000_000]);
        var second = (long)await db.ScriptEvaluateAsync(script, [prefix + "bits"], [3, 17, 1_000_000]);
        Assert.Equal(0, first);
        Assert.Equal(3, second);
    }

    [Fact]
    public async Task Server_reports_its_version_to_admin_connections()
    {
        var info = await redis.GetServers().Single().InfoAsync("server");
        var version = info.SelectMany(g => g).Single(p => p.Key == "redis_version").Value;
        Assert.Matches(@"^\d+\.\d+\.\d+$", version);
    }
}
