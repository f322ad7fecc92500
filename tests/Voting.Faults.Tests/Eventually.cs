namespace Voting.Faults.Tests;

/// <summary>Polls a condition until it holds or a deadline passes (then fails the test with what was awaited).</summary>
public static class Eventually
{
    public static Task TrueAsync(Func<Task<bool>> condition, string what, int seconds = 90) => TrueAsync(condition, () => what, seconds);

    public static async Task TrueAsync(Func<Task<bool>> condition, Func<string> what, int seconds = 90)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"not within {seconds} s: {what()}");
            await Task.Delay(250);
        }
    }
}
