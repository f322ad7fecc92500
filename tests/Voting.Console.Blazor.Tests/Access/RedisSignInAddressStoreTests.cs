using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;
using Voting.Console.Blazor.Access;
using Voting.TestSupport;

namespace Voting.Console.Blazor.Tests.Access;

/// <summary>The known sign-in addresses on the real Redis: what a restarted console still knows.</summary>
public sealed class RedisSignInAddressStoreTests
{
    private static SignInThrottle Throttle(ISignInAddressStore store) =>
        new(Microsoft.Extensions.Options.Options.Create(new ConsoleAccessOptions { NewAddressSignInsPerAccount = 1 }), store: store);

    [Fact]
    public async Task A_restarted_console_still_knows_where_its_users_sign_in_from()
    {
        var options = LocalStack.Redis(LocalStack.UniqueName("itc") + ":");
        using var redis = await ConnectionMultiplexer.ConnectAsync(options.Configuration);
        var store = new RedisSignInAddressStore(redis, options, NullLogger<RedisSignInAddressStore>.Instance);
        using (var before = Throttle(store))
        {
            Assert.True(await before.MayTryAccountAsync("official", "198.51.100.7"));
            await before.SignedInAsync("official", "198.51.100.7");
        }

        // Restarted: nothing in memory, and the one new address the window allows taken by a guess.
        using var after = Throttle(new RedisSignInAddressStore(redis, options, NullLogger<RedisSignInAddressStore>.Instance));
        Assert.True(await after.MayTryAccountAsync("official", "203.0.113.9"));
        Assert.False(await after.MayTryAccountAsync("official", "203.0.113.10"));
        Assert.True(await after.MayTryAccountAsync("Official", "198.51.100.7")); // its user's address, known from Redis
        Assert.True(await after.MayTryAccountAsync("operator", "198.51.100.7"));
        Assert.False(await after.MayTryAccountAsync("operator", "198.51.100.7")); // known for official only: a new address for operator

        // Kept as long as the exemption lasts, from the last sign-in; names that never signed in leave nothing.
        var ttl = await redis.GetDatabase().KeyTimeToLiveAsync(store.Key("OFFICIAL"));
        Assert.NotNull(ttl);
        Assert.InRange(ttl.Value, TimeSpan.FromDays(SignInThrottle.KnownAddressDays) - TimeSpan.FromMinutes(5), TimeSpan.FromDays(SignInThrottle.KnownAddressDays));
        Assert.False(await redis.GetDatabase().KeyExistsAsync(store.Key("OPERATOR")));
        await redis.GetDatabase().KeyDeleteAsync(store.Key("OFFICIAL"));
    }

    [Fact]
    public async Task With_Redis_away_a_sign_in_neither_fails_nor_waits_long_and_every_address_counts_as_new()
    {
        var options = LocalStack.Redis(LocalStack.UniqueName("itc") + ":");
        var unreachable = ConfigurationOptions.Parse("127.0.0.1:1");
        unreachable.AbortOnConnectFail = false;
        unreachable.ConnectTimeout = 500;
        using var redis = await ConnectionMultiplexer.ConnectAsync(unreachable);
        using var throttle = Throttle(new RedisSignInAddressStore(redis, options, NullLogger<RedisSignInAddressStore>.Instance));

        var took = System.Diagnostics.Stopwatch.StartNew();
        Assert.True(await throttle.MayTryAccountAsync("official", "198.51.100.7"));
        await throttle.SignedInAsync("official", "198.51.100.7"); // not thrown
        Assert.False(await throttle.MayTryAccountAsync("official", "203.0.113.9")); // still limited
        Assert.True(await throttle.MayTryAccountAsync("official", "198.51.100.7")); // known in memory meanwhile
        Assert.True(took.Elapsed < TimeSpan.FromSeconds(20), $"took {took.Elapsed}"); // each call waits at most 2 s for Redis, not its 5 s timeout
    }
}
