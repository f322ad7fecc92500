using Voting.Console.Blazor.Access;

namespace Voting.Console.Blazor.Tests.Access;

public sealed class SignInThrottleTests
{
    private static SignInThrottle Throttle(int failures) =>
        new(Microsoft.Extensions.Options.Options.Create(new ConsoleAccessOptions { FailedSignInsPerWindow = failures, FailedSignInWindowMinutes = 5 }));

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
}
