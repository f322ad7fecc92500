using System.Diagnostics;
using System.Text.Json;
using Confluent.Kafka;
using Microsoft.Extensions.Options;
using Voting.Core.Ballots;
using Voting.Infrastructure.Hosting;
using Voting.Infrastructure.Kafka;
using Voting.Infrastructure.MySql;

namespace Voting.Processor.Consuming;

/// <summary>
/// Consumes the votes topic in batches: dead-letters what can never be stored, writes the rest to
/// the shards (idempotent, with the batch's counts and ballot hashes in each shard's outboxes), and
/// only then commits the offsets; <see cref="OutboxShipper"/> takes it from the outboxes.
/// While a store is down the batch is retried with backoff and nothing more is consumed, so memory
/// stays bounded and nothing is lost; a crash anywhere replays from the last commit.
/// </summary>
public sealed partial class VoteBatchConsumer(
    KafkaOptions kafka,
    IOptions<ProcessorOptions> options,
    BallotStore ballots,
    OutboxShipper outboxes,
    DeadLetterProducer deadLetters,
    SchemaState schema,
    ProcessorMetrics metrics,
    TimeProvider clock,
    ILogger<VoteBatchConsumer> logger) : BackgroundService
{
    private readonly Dictionary<TopicPartition, long> uncommitted = [];
    private readonly ProcessorOptions settings = options.Value;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // The schema must exist before the first write.
        while (schema.Pending().Count > 0)
        {
            await Task.Delay(200, stoppingToken);
        }

        // Consume on a dedicated thread: Confluent's Consume blocks.
        await Task.Factory.StartNew(() => RunAsync(stoppingToken), stoppingToken, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap();
    }

    private async Task RunAsync(CancellationToken stoppingToken)
    {
        using var consumer = new ConsumerBuilder<byte[], byte[]>(KafkaClientConfigs.Consumer(kafka, kafka.ProcessorGroup))
            .SetLogHandler(KafkaClientLog.Write)
            .SetPartitionsAssignedHandler((_, partitions) => LogAssigned(logger, string.Join(",", partitions.Select(p => p.Partition.Value))))
            .Build();
        consumer.Subscribe(kafka.VotesTopic);
        var retry = StoreRetry.Create(TimeSpan.FromMilliseconds(settings.MaxRetryDelayMilliseconds), (attempt, error) =>
        {
            metrics.Retries.Add(1);
            LogRetry(logger, attempt, error);
        });

        // Several batches are written at once (MySQL does better with concurrent transactions than
        // with one at a time); offsets are committed strictly in consumption order, each only after
        // its batch and every batch before it are in MySQL. A voter whose ballots land in two
        // concurrent batches makes one of them fail on the unique key; its retry sees the other's.
        var inFlight = new Queue<(List<ConsumeResult<byte[], byte[]>> Batch, Task Work)>();
        uncommitted.Clear();
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                // Back-pressure: while the outboxes can't be drained, don't add to them.
                await outboxes.WaitWhileFailingAsync(stoppingToken);
                var batch = ConsumeBatch(consumer, stoppingToken);
                if (batch.Count > 0)
                {
                    inFlight.Enqueue((batch, Task.Run(async () => await retry.ExecuteAsync(async ct => await ProcessAsync(batch, ct), stoppingToken), stoppingToken)));
                }

                while (inFlight.Count > 0
                       && (inFlight.Peek().Work.IsCompleted || inFlight.Count >= settings.BatchesInFlight || batch.Count == 0))
                {
                    var (done, work) = inFlight.Dequeue();
                    await work;
                    Commit(consumer, done);
                }

                if (batch.Count == 0 && inFlight.Count == 0 && uncommitted.Count > 0)
                {
                    CommitUncommitted(consumer); // idle: retry a commit that failed (e.g. the broker was restarting)
                }

                RecordLag(consumer);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // stopping: uncommitted work is replayed by whoever gets the partitions next
        }
        finally
        {
            // Let cancelled batches unwind before the consumer goes; their offsets stay uncommitted.
            await Task.WhenAll(inFlight.Select(f => f.Work)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            consumer.Close();
        }
    }

    private void Commit(IConsumer<byte[], byte[]> consumer, List<ConsumeResult<byte[], byte[]>> batch)
    {
        foreach (var partition in batch.GroupBy(m => m.TopicPartition))
        {
            uncommitted[partition.Key] = partition.Max(m => m.Offset.Value) + 1;
        }

        CommitUncommitted(consumer);
    }

    /// <summary>
    /// Commits every stored-but-uncommitted position of a partition this instance still owns. A failed
    /// commit is kept and retried with the next batch or, when idle, on the next empty poll — otherwise
    /// an idle topic would show lag forever after a broker restart (and a restart would replay it).
    /// </summary>
    private void CommitUncommitted(IConsumer<byte[], byte[]> consumer)
    {
        var owned = consumer.Assignment.ToHashSet();
        foreach (var gone in uncommitted.Keys.Where(p => !owned.Contains(p)).ToList())
        {
            uncommitted.Remove(gone); // moved to another instance: it replays them, which changes nothing
        }

        if (uncommitted.Count == 0)
        {
            return;
        }

        try
        {
            consumer.Commit([.. uncommitted.Select(p => new TopicPartitionOffset(p.Key, p.Value))]);
            uncommitted.Clear();
        }
        catch (KafkaException e)
        {
            LogCommitFailed(logger, e.Error.Reason);
        }
    }

    /// <summary>Lag from the watermarks the consumer already has cached: no extra broker round trip.</summary>
    private void RecordLag(IConsumer<byte[], byte[]> consumer)
    {
        var assigned = consumer.Assignment;
        metrics.KeepOnly(assigned.Select(p => p.Partition.Value));
        foreach (var partition in assigned)
        {
            var high = consumer.GetWatermarkOffsets(partition).High;
            var position = consumer.Position(partition);
            if (high != Offset.Unset && position != Offset.Unset)
            {
                metrics.SetLag(partition.Partition.Value, high.Value - position.Value);
            }
        }
    }

    private List<ConsumeResult<byte[], byte[]>> ConsumeBatch(IConsumer<byte[], byte[]> consumer, CancellationToken stoppingToken)
    {
        var batch = new List<ConsumeResult<byte[], byte[]>>(settings.BatchSize);
        var deadline = Stopwatch.StartNew();
        var wait = TimeSpan.FromMilliseconds(settings.MaxBatchWaitMilliseconds);
        while (batch.Count < settings.BatchSize && !stoppingToken.IsCancellationRequested)
        {
            var left = wait - deadline.Elapsed;
            if (left <= TimeSpan.Zero && batch.Count > 0)
            {
                break;
            }

            var result = consumer.Consume(left > TimeSpan.Zero ? left : wait);
            if (result is null)
            {
                // Nothing more within the wait: hand back what there is, even nothing, so batches
                // still in flight get committed while the topic is idle (else the last batch's
                // offsets would wait for the next vote, and lag would never read zero).
                break;
            }

            batch.Add(result);
        }

        return batch;
    }

    private async Task ProcessAsync(List<ConsumeResult<byte[], byte[]>> batch, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var votes = new List<VoteMessage>(batch.Count);
        foreach (var message in batch)
        {
            VoteMessage? vote = null;
            string? error;
            try
            {
                vote = JsonSerializer.Deserialize(message.Message.Value, VotingJsonContext.Default.VoteMessage);
                error = VoteMessageRules.Check(vote);
            }
            catch (JsonException e)
            {
                error = "undecodable: " + e.Message;
            }

            if (error is null)
            {
                votes.Add(vote!);
                continue;
            }

            await deadLetters.SendAsync(
                new DeadLetter(message.Topic, message.Partition.Value, message.Offset.Value, error, message.Message.Key, message.Message.Value ?? [], clock.GetUtcNow()),
                cancellationToken);
            metrics.DeadLetters.Add(1);
            LogDeadLetter(logger, message.Partition.Value, message.Offset.Value, error);
        }

        var outcome = await ballots.WriteBatchAsync(votes, cancellationToken);
        outboxes.Signal(outcome.Shards);
        metrics.Stored.Add(outcome.Stored.Count);
        metrics.Replays.Add(outcome.Replays);
        metrics.Duplicates.Add(outcome.DuplicateAttempts);
        metrics.BatchSeconds.Record(Stopwatch.GetElapsedTime(started).TotalSeconds);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Offset commit failed (the batch is stored; the commit is retried, and a restart before it succeeds replays the batch harmlessly): {Error}")]
    private static partial void LogCommitFailed(ILogger logger, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Assigned partitions {Partitions}")]
    private static partial void LogAssigned(ILogger logger, string partitions);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Batch write failed (attempt {Attempt}); retrying, consumption paused: {Error}")]
    private static partial void LogRetry(ILogger logger, int attempt, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dead letter: partition {Partition} offset {Offset}: {Error}")]
    private static partial void LogDeadLetter(ILogger logger, int partition, long offset, string error);
}
