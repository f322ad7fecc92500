using Voting.Infrastructure.Hosting;

namespace Voting.Infrastructure.Tests;

/// <summary>Which failures the processor's store retry waits out, and what stops it.</summary>
public sealed class StoreRetryTests
{
    [Fact]
    public async Task A_stores_timeout_reported_as_a_cancellation_is_retried_like_any_outage()
    {
        var retries = 0;
        var attempts = 0;
        var retry = StoreRetry.Create(TimeSpan.FromMilliseconds(10), (_, _) => retries++);

        await retry.ExecuteAsync(_ =>
        {
            // As an HttpClient timeout surfaces from the ClickHouse driver, twice, then the store answers.
            if (++attempts <= 2)
            {
                throw new TaskCanceledException("The request was canceled due to the configured HttpClient.Timeout of 30 seconds elapsing.", new TimeoutException());
            }

            return ValueTask.CompletedTask;
        }, CancellationToken.None);

        Assert.Equal(3, attempts);
        Assert.Equal(2, retries);
    }

    [Fact]
    public async Task The_callers_own_cancellation_stops_the_retry()
    {
        using var stopping = new CancellationTokenSource();
        var attempts = 0;
        var retry = StoreRetry.Create(TimeSpan.FromMilliseconds(10), (_, _) => { });

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await retry.ExecuteAsync(ct =>
        {
            attempts++;
            stopping.Cancel();
            ct.ThrowIfCancellationRequested();
            return ValueTask.CompletedTask;
        }, stopping.Token));

        Assert.Equal(1, attempts);
    }
}
