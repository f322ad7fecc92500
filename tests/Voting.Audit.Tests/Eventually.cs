namespace Voting.Audit.Tests;

/// <summary>Polls a condition until it holds or the time is up (then fails with what was awaited).</summary>
public static class Eventually
{
    public static Task Async(Func<Task<bool>> condition, string what, int seconds = 90) => Async(condition, () => what, seconds);

    /// <summary>As above, with what was awaited told at the time of failing (it may name what was last seen).</summary>
    public static async Task Async(Func<Task<bool>> condition, Func<string> what, int seconds = 90)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"not within {seconds} s: {what()}");
            await Task.Delay(250);
        }
    }
}
