using Microsoft.Extensions.Options;
using Voting.Infrastructure.Hosting;
using Voting.Infrastructure.Storage;

namespace Voting.Processor.Consuming;

/// <summary>
/// Folds the shards' tally outboxes into their running totals and ships those to ClickHouse, behind
/// the consumer. It runs beside the consumer so a batch's offsets are committed as soon as MySQL and
/// the Merkle log have it, and several batches' counts go to ClickHouse in one insert. What it has
/// not shipped yet stays in MySQL (outbox or totals, durable), so a crash only delays it. While it is failing (ClickHouse or MySQL down) the
/// consumer pauses (<see cref="WaitWhileFailingAsync"/>): outboxes can't grow without bound.
/// </summary>
public sealed partial class TallyShipper(
    TallyOutbox tallies,
    PerBatchTalliesCarryOver carryOver,
    SchemaState schema,
    ProcessorMetrics metrics,
    IOptions<ProcessorOptions> options,
    ILogger<TallyShipper> logger) : BackgroundService
{
    private readonly Lock gate = new();
    private readonly HashSet<int> dirty = [];
    private readonly SemaphoreSlim wake = new(0);
    private volatile TaskCompletionSource healthy = Healthy();
    private volatile bool failing;

    /// <summary>Marks shards whose outboxes have new rows and wakes the shipper.</summary>
    public void Signal(IEnumerable<int> shards)
    {
        lock (gate)
        {
            dirty.UnionWith(shards);
        }

        wake.Release();
    }

    /// <summary>Returns at once unless the last drain failed; then waits until one succeeds.</summary>
    public Task WaitWhileFailingAsync(CancellationToken cancellationToken)
    {
        // The signal first, then the flag: recovery clears the flag before it swaps the signal and
        // completes the old one, so a waiter never waits on a signal that recovery has already passed.
        var recovered = healthy;
        return failing ? recovered.Task.WaitAsync(cancellationToken) : Task.CompletedTask;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (schema.Pending().Count > 0)
        {
            await Task.Delay(200, stoppingToken);
        }

        var retry = StoreRetry.Create(TimeSpan.FromMilliseconds(options.Value.MaxRetryDelayMilliseconds), (attempt, error) =>
        {
            failing = true;
            metrics.Retries.Add(1, ProcessorMetrics.TallyWork);
            LogRetry(logger, attempt, error);
        });

        // What an earlier version shipped per batch, then what a crashed predecessor committed to
        // MySQL but never folded or shipped.
        await retry.ExecuteAsync(async ct =>
        {
            await carryOver.RunAsync(ct);
            var rows = await tallies.ShipAllAsync(ct);
            if (rows > 0)
            {
                LogRecovered(logger, rows);
            }
        }, stoppingToken);
        MarkHealthy();

        while (!stoppingToken.IsCancellationRequested)
        {
            // A periodic full sweep also picks up what other processor instances left behind.
            var signalled = await wake.WaitAsync(TimeSpan.FromSeconds(5), stoppingToken);
            int[] shards;
            lock (gate)
            {
                shards = signalled ? [.. dirty] : [.. Enumerable.Range(0, Voting.Core.Sharding.ShardLayout.DatabaseCount)];
                dirty.Clear();
            }

            if (shards.Length == 0)
            {
                continue;
            }

            await retry.ExecuteAsync(async ct => await tallies.ShipAsync(shards, ct), stoppingToken);
            MarkHealthy();
        }
    }

    private void MarkHealthy()
    {
        if (failing)
        {
            failing = false;
            var released = healthy;
            healthy = Healthy();
            released.TrySetResult();
        }
    }

    private static TaskCompletionSource Healthy() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    public override void Dispose()
    {
        wake.Dispose();
        base.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Tally shipping failed (attempt {Attempt}); retrying, consumption paused: {Error}")]
    private static partial void LogRetry(ILogger logger, int attempt, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Recovered at start: {Rows} tally outbox rows folded and shipped")]
    private static partial void LogRecovered(ILogger logger, int rows);
}
