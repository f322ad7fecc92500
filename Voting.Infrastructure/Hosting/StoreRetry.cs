using Polly;
using Polly.Retry;
using Voting.Infrastructure.MySql;

namespace Voting.Infrastructure.Hosting;

/// <summary>
/// Retries a store operation for as long as it takes (a store outage is transient by definition
/// here), with jittered exponential backoff up to a maximum delay; only the caller's cancellation stops it.
/// </summary>
public static class StoreRetry
{
    public static ResiliencePipeline Create(TimeSpan maxDelay, Action<int, string> onRetry) =>
        new ResiliencePipelineBuilder()
            .AddRetry(new RetryStrategyOptions
            {
                // A cancellation is a stop only when it is ours: a store's own timeout can surface as one too
                // (the ClickHouse driver's HttpClient reports a timeout as a TaskCanceledException).
                ShouldHandle = args => ValueTask.FromResult(
                    args.Outcome.Exception is { } e && !(e is OperationCanceledException && args.Context.CancellationToken.IsCancellationRequested)),
                MaxRetryAttempts = int.MaxValue,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = TimeSpan.FromMilliseconds(100),
                MaxDelay = maxDelay,
                OnRetry = args =>
                {
                    onRetry(args.AttemptNumber + 1, args.Outcome.Exception is { } error ? StoreErrorText.For(error) : "");
                    return ValueTask.CompletedTask;
                },
            })
            .Build();
}
