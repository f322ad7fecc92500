using Voting.Console.Blazor.Access;

namespace Voting.Console.Blazor.Tests.Access;

public sealed class SignInThrottleTests
{
    private static SignInThrottle Throttle(int failures, int perAccount = 20, TimeProvider? clock = null) =>
        new(Microsoft.Extensions.Options.Options.Create(new ConsoleAccessOptions
        {
            FailedSignInsPerWindow = failures,
            NewAddressSignInsPerAccount = perAccount,
            FailedSignInWindowMinutes = 5,
        }), clock);

    [Fact]
    public async Task Attempts_at_one_account_from_new_addresses_stop_at_its_limit_whoever_sends_them()
    {
        using var throttle = Throttle(failures: 10, perAccount: 3);
        Assert.True(await throttle.MayTryAccountAsync("official", "203.0.113.1"));
        Assert.True(await throttle.MayTryAccountAsync("OFFICIAL", "203.0.113.2")); // names compared as the directory compares them
        Assert.True(await throttle.MayTryAccountAsync("Official", "203.0.113.3"));
        Assert.False(await throttle.MayTryAccountAsync("official", "203.0.113.4"));
        Assert.False(await throttle.MayTryAccountAsync("official", "203.0.113.1"));

        Assert.True(await throttle.MayTryAccountAsync("operator", "203.0.113.4")); // another account is not held back by it
        Assert.True(throttle.MayTry("203.0.113.4")); // nor is the address, for anything else
    }

    [Fact]
    public async Task An_address_an_account_signed_in_from_is_never_held_back_by_that_account_s_limit_until_it_is_forgotten()
    {
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.Parse("2028-11-07T06:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        using var throttle = Throttle(failures: 10, perAccount: 1, clock);
        Assert.True(await throttle.MayTryAccountAsync("official", "198.51.100.7"));
        await throttle.SignedInAsync("official", "198.51.100.7");
        Assert.False(await throttle.MayTryAccountAsync("official", "203.0.113.1")); // the one new address the window allows is used

        for (var i = 0; i < 50; i++)
        {
            Assert.True(await throttle.MayTryAccountAsync("Official", "198.51.100.7")); // known: counted nothing, never refused
        }

        Assert.True(await throttle.MayTryAccountAsync("operator", "198.51.100.7"));
        Assert.False(await throttle.MayTryAccountAsync("operator", "198.51.100.7")); // known to official only: counted for operator

        clock.Advance(TimeSpan.FromDays(SignInThrottle.KnownAddressDays));
        Assert.False(await throttle.MayTryAccountAsync("official", "198.51.100.7")); // forgotten: a new address again, and the window's one is gone
    }

    [Fact]
    public void Past_the_refused_sign_ins_allowed_an_address_is_held_back_and_another_is_not()
    {
        using var throttle = Throttle(failures: 3);
        for (var i = 0; i < 3; i++)
        {
            Assert.True(throttle.MayTry("203.0.113.7"), $"refused after {i} failures");
            throttle.Refused("203.0.113.7");
        }

        Assert.False(throttle.MayTry("203.0.113.7"));
        Assert.True(throttle.MayTry("198.51.100.2")); // another address is not held back by it
    }

    [Fact]
    public void Asking_whether_an_address_may_try_counts_nothing()
    {
        using var throttle = Throttle(failures: 1);
        for (var i = 0; i < 100; i++)
        {
            Assert.True(throttle.MayTry("203.0.113.7"));
        }

        throttle.Refused("203.0.113.7");
        Assert.False(throttle.MayTry("203.0.113.7"));
    }

    [Fact]
    public async Task One_addresss_attempts_are_checked_one_at_a_time_and_a_crowd_of_them_is_turned_away()
    {
        // Sent in parallel, every attempt would pass the limit before the first refusal is counted.
        using var throttle = Throttle(failures: 1);
        var first = await throttle.TakeTurnAsync("203.0.113.7");
        Assert.NotNull(first);
        var waiting = Enumerable.Range(0, 4).Select(_ => throttle.TakeTurnAsync("203.0.113.7")).ToList();
        Assert.All(waiting, w => Assert.False(w.IsCompleted));
        Assert.Null(await throttle.TakeTurnAsync("203.0.113.7")); // a fifth waiting: turned away
        using (var elsewhere = await throttle.TakeTurnAsync("198.51.100.2"))
        {
            Assert.NotNull(elsewhere); // another address has its own turn
        }

        // The first is refused and counted before the next one's turn: that one finds the limit reached.
        throttle.Refused("203.0.113.7");
        first!.Dispose();
        using var next = await waiting[0];
        Assert.NotNull(next);
        Assert.False(throttle.MayTry("203.0.113.7"));
    }

    [Theory]
    [InlineData("203.0.113.7", "203.0.113.7")]
    [InlineData("::ffff:203.0.113.7", "203.0.113.7")]
    [InlineData("2001:db8:1:2:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::")]
    [InlineData("2001:db8:1:2::9", "2001:db8:1:2::")] // another address of the same subscriber: one key
    public void An_IPv6_client_counts_as_its_64(string address, string key)
    {
        Assert.Equal(key, SignInThrottle.ClientKey(System.Net.IPAddress.Parse(address)));
    }
}
