using Polly;
using Polly.Retry;
using Voting.Infrastructure.MySql;

namespace Voting.Processor.Consuming;

/// <summary>
/// Retries a store operation for as long as it takes (a store outage is transient by definition
/// here), with jittered exponential backoff up to a maximum delay; only cancellation stops it.
/// </summary>
public static class StoreRetry
{
    public static ResiliencePipeline Create(TimeSpan maxDelay, Action<int, string> onRetry) =>
        new ResiliencePipelineBuilder()
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<Exception>(e => e is not OperationCanceledException),
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
