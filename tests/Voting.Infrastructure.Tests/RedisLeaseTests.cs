using StackExchange.Redis;
using Voting.Infrastructure.Redis;
using Voting.TestSupport;

namespace Voting.Infrastructure.Tests;

public sealed class RedisLeaseTests : IAsyncLifetime
{
    // Renewed every second: a test host busy with other tests may delay a renewal by a second or so,
    // and the lease must survive that as a service's 30 s one survives 20 s.
    private static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(3);

    private readonly string prefix = LocalStack.UniqueName("lease") + ":";
    private ConnectionMultiplexer redis = null!;

    public async Task InitializeAsync() => redis = await ConnectionMultiplexer.ConnectAsync(LocalStack.Redis().Configuration);

    public async Task DisposeAsync()
    {
        await RedisKeys.DeleteAsync(redis, prefix);
        await redis.DisposeAsync();
    }

    [Fact]
    public async Task A_lease_is_kept_past_its_lifetime_while_held_and_released_on_dispose()
    {
        var db = redis.GetDatabase();
        var key = (RedisKey)(prefix + "held");
        var lease = await RedisLease.TryAcquireAsync(db, key, Lifetime, TimeProvider.System);
        Assert.NotNull(lease);

        // Over two lifetimes: without renewal the key would be gone after the first.
        await Task.Delay(Lifetime * 2.3);
        Assert.True(await db.KeyExistsAsync(key), "the lease's key expired while it was held");
        Assert.False(lease.Lost.IsCancellationRequested);
        Assert.Null(await RedisLease.TryAcquireAsync(db, key, Lifetime, TimeProvider.System));

        await lease.DisposeAsync();
        await lease.DisposeAsync(); // twice: nothing more happens
        Assert.False(await db.KeyExistsAsync(key));
        Assert.False(lease.Lost.IsCancellationRequested);
        await using var next = await RedisLease.TryAcquireAsync(db, key, Lifetime, TimeProvider.System);
        Assert.NotNull(next);
    }

    [Fact]
    public async Task Only_one_of_many_contenders_gets_the_lease()
    {
        var db = redis.GetDatabase();
        var key = (RedisKey)(prefix + "contended");
        var leases = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => RedisLease.TryAcquireAsync(db, key, Lifetime, TimeProvider.System)));
        try
        {
            Assert.Single(leases, lease => lease is not null);
        }
        finally
        {
            foreach (var lease in leases.OfType<RedisLease>())
            {
                await lease.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task A_lease_taken_over_by_another_holder_is_reported_lost_and_its_dispose_leaves_the_other_alone()
    {
        var db = redis.GetDatabase();
        var key = (RedisKey)(prefix + "taken");
        var lease = await RedisLease.TryAcquireAsync(db, key, Lifetime, TimeProvider.System);
        Assert.NotNull(lease);

        // As if it had expired and another instance had taken it since.
        await db.StringSetAsync(key, "someone-else", TimeSpan.FromSeconds(30));
        await LostAsync(lease);

        await lease.DisposeAsync();
        Assert.Equal("someone-else", (string?)await db.StringGetAsync(key));
        var ttl = await db.KeyTimeToLiveAsync(key);
        Assert.True(ttl > TimeSpan.FromSeconds(20), $"the other holder's expiry was changed: {ttl}");
    }

    [Fact]
    public async Task A_lease_whose_key_vanished_is_reported_lost()
    {
        var db = redis.GetDatabase();
        var key = (RedisKey)(prefix + "vanished");
        await using var lease = await RedisLease.TryAcquireAsync(db, key, Lifetime, TimeProvider.System);
        Assert.NotNull(lease);

        await db.KeyDeleteAsync(key); // Redis lost its data, or the key expired
        await LostAsync(lease);
        Assert.False(await db.KeyExistsAsync(key), "a lost lease must not recreate its key");
    }

    [Fact]
    public async Task A_lease_that_cannot_be_renewed_for_a_whole_lifetime_is_reported_lost()
    {
        var redisPort = new Uri("redis://" + LocalStack.Redis().Configuration.Split(',')[0]).Port;
        await using var proxy = new FreezableTcpProxy(redisPort);
        await using var hanging = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{proxy.Port},asyncTimeout=200,syncTimeout=200");
        var key = (RedisKey)(prefix + "unreachable");
        // 12 s: reported lost a sixth of it (2 s) before the key can expire, room for a late timer on a loaded box.
        await using var lease = await RedisLease.TryAcquireAsync(hanging.GetDatabase(), key, TimeSpan.FromSeconds(12), TimeProvider.System);
        Assert.NotNull(lease);

        proxy.Freeze(); // Redis hangs for this holder: every renewal times out
        var lost = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        var db = redis.GetDatabase();
        // At the moment it is reported lost, the lock must still be there: nobody else can hold it yet.
        using var registration = lease.Lost.Register(() => lost.SetResult(db.KeyExists(key)));
        Assert.True(await lost.Task.WaitAsync(TimeSpan.FromSeconds(30)), "the lease was reported lost only after its key had expired");
        proxy.Thaw();
    }

    /// <summary>Returns once <paramref name="lease"/> is reported lost; fails the test after 15 s.</summary>
    private static async Task LostAsync(RedisLease lease)
    {
        var lost = new TaskCompletionSource();
        using var registration = lease.Lost.Register(lost.SetResult);
        await lost.Task.WaitAsync(TimeSpan.FromSeconds(15));
    }
}
