using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;

namespace Voting.Infrastructure.Hosting;

/// <summary>
/// Runs every registered schema step at start, retrying with backoff while a server is still
/// coming up, so services can start in any order. Until all steps succeed the service is not ready.
/// </summary>
public sealed class SchemaMigrationService(
    IEnumerable<ISchemaStep> steps,
    SchemaState state,
    ILogger<SchemaMigrationService> logger) : BackgroundService
{
    private readonly ISchemaStep[] steps = [.. steps];

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var step in steps)
        {
            state.Expect(step.Name);
        }

        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        foreach (var step in steps)
        {
            var retry = new ResiliencePipelineBuilder()
                .AddRetry(new RetryStrategyOptions
                {
                    ShouldHandle = new PredicateBuilder().Handle<Exception>(e => e is not OperationCanceledException),
                    MaxRetryAttempts = int.MaxValue,
                    BackoffType = DelayBackoffType.Exponential,
                    Delay = TimeSpan.FromMilliseconds(250),
                    MaxDelay = TimeSpan.FromSeconds(10),
                    UseJitter = true,
                    OnRetry = args =>
                    {
                        var error = args.Outcome.Exception?.Message ?? "unknown error";
                        state.Failed(step.Name, error);
                        logger.LogWarning("Schema step {Step} failed (attempt {Attempt}), retrying in {Delay}: {Error}",
                            step.Name, args.AttemptNumber + 1, args.RetryDelay, error);
                        return ValueTask.CompletedTask;
                    },
                })
                .Build();
            await retry.ExecuteAsync(async ct => await step.ApplyAsync(ct), stoppingToken);
            state.Done(step.Name);
        }
    }
}
