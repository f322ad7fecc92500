using System.Diagnostics;
using System.Text.Json;
using Confluent.Kafka;
using Microsoft.Extensions.Options;
using Polly;
using Voting.Core.Ballots;
using Voting.Infrastructure.Hosting;
using Voting.Infrastructure.Kafka;
using Voting.Infrastructure.Storage;

namespace Voting.Processor.Consuming;

/// <summary>
/// Consumes the votes topic in batches: dead-letters what can never be stored, records the rest
/// (<see cref="BatchRecorder"/>: voters checked, new ballots appended to the Merkle log, then the
/// shards written with each ballot's leaf index and the batch's counts in each shard's tally outbox),
/// and only then commits the offsets; <see cref="TallyShipper"/> takes the counts to ClickHouse. A
/// crash between the log append and the shard write replays the batch: its ballots are appended
/// again, where a hash already there keeps its place, and then stored.
/// While a store is down the batch is retried with backoff and nothing more is consumed, so memory
/// stays bounded and nothing is lost; a crash anywhere replays from the last commit.
/// </summary>
public sealed partial class VoteBatchConsumer(
    KafkaOptions kafka,
    IOptions<ProcessorOptions> options,
    BatchRecorder recorder,
    TallyShipper tallies,
    DeadLetterProducer deadLetters,
    SchemaState schema,
    ProcessorMetrics metrics,
    TimeProvider clock,
    ILogger<VoteBatchConsumer> logger) : BackgroundService
{
    private const int StatisticsIntervalMilliseconds = 5_000;
    private const int AutoCommitIntervalMilliseconds = 1_000;
    private static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(15);
    private readonly ProcessorOptions settings = options.Value;
    private int failedCommits;

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
        var retry = StoreRetry.Create(TimeSpan.FromMilliseconds(settings.MaxRetryDelayMilliseconds), (attempt, error) =>
        {
            metrics.Retries.Add(1, ProcessorMetrics.BatchWork);
            LogRetry(logger, attempt, error);
        });

        // A consumer that fell out of its group and cannot get back (after a broker restart librdkafka
        // can lose the group coordinator for good) is closed and built afresh; what it had not committed
        // is replayed by the new one, which changes nothing. Each rebuild in a row doubles the next
        // consumer's allowance (up to 8×): a join may have to wait for the abandoned member to expire.
        var rebuildsInARow = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            var membership = new ConsumerGroupMembership(clock.GetUtcNow());
            var consumer = BuildConsumer(membership);
            var stall = TimeSpan.FromSeconds(settings.GroupStallSeconds) * (1 << Math.Min(rebuildsInARow, 3));
            var stuck = false;
            try
            {
                stuck = await ConsumeAsync(consumer, membership, stall, retry, stoppingToken);
            }
            finally
            {
                await CloseAsync(consumer);
            }

            if (!stuck)
            {
                return;
            }

            rebuildsInARow = membership.WasSteady ? 1 : rebuildsInARow + 1;
            metrics.ConsumerRebuilds.Add(1);
        }
    }

    private IConsumer<byte[], byte[]> BuildConsumer(ConsumerGroupMembership membership)
    {
        var config = KafkaClientConfigs.Consumer(kafka, kafka.ProcessorGroup);
        config.StatisticsIntervalMs = StatisticsIntervalMilliseconds;
        config.EnableAutoCommit = true; // commits only what StoreOffsets marked: offsets after their batch is in MySQL
        config.EnableAutoOffsetStore = false;
        config.AutoCommitIntervalMs = AutoCommitIntervalMilliseconds;
        var consumer = new ConsumerBuilder<byte[], byte[]>(config)
            .SetLogHandler(KafkaClientLog.Write)
            .SetOffsetsCommittedHandler((_, committed) => OnCommitted(committed.Error))
            .SetStatisticsHandler((_, statistics) => membership.Observe(statistics, clock.GetUtcNow()))
            .SetPartitionsAssignedHandler((_, partitions) => LogAssigned(logger, string.Join(",", partitions.Select(p => p.Partition.Value))))
            .Build();
        consumer.Subscribe(kafka.VotesTopic);
        return consumer;
    }

    /// <summary>
    /// Consumes until stopped (false) or until the consumer has been out of its group longer than
    /// <paramref name="stall"/> (true: the caller rebuilds it).
    /// </summary>
    private async Task<bool> ConsumeAsync(
        IConsumer<byte[], byte[]> consumer, ConsumerGroupMembership membership, TimeSpan stall, ResiliencePipeline retry, CancellationToken stoppingToken)
    {
        // Several batches are written at once (MySQL does better with concurrent transactions than
        // with one at a time); offsets are stored for commit strictly in consumption order, each only
        // after its batch and every batch before it are in MySQL. A voter whose ballots land in two
        // concurrent batches is decided by the batch that reserves them first (BatchRecorder).
        var inFlight = new Queue<(ConsumedBatch Batch, Task Work)>();
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                // Back-pressure: while the tally outboxes can't be drained, don't add to them.
                await tallies.WaitWhileFailingAsync(stoppingToken);
                var messages = ConsumeBatch(consumer, stoppingToken);
                var consumedNothing = messages.Count == 0;
                if (!consumedNothing)
                {
                    var batch = new ConsumedBatch(messages);
                    metrics.Hold(batch.Size);
                    inFlight.Enqueue((batch, Task.Run(async () =>
                    {
                        // The batch's voters stay reserved across its retries, until it is stored or abandoned.
                        try
                        {
                            await retry.ExecuteAsync(async ct => await ProcessAsync(batch, ct), stoppingToken);
                        }
                        finally
                        {
                            recorder.Release(batch);
                        }
                    }, stoppingToken)));
                }

                while (inFlight.Count > 0
                       && (inFlight.Peek().Work.IsCompleted || inFlight.Count >= settings.BatchesInFlight || consumedNothing))
                {
                    var (done, work) = inFlight.Peek();
                    await work;
                    StoreOffsets(consumer, done);
                    inFlight.Dequeue();
                    metrics.Hold(-done.Size);
                }

                RecordLag(consumer);
                var outOfGroup = membership.OutOfGroupFor(clock.GetUtcNow());
                if (outOfGroup > stall)
                {
                    LogOutOfGroup(logger, (int)outOfGroup.TotalSeconds, membership.State);
                    return true;
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // stopping: uncommitted work is replayed by whoever gets the partitions next
        }
        catch (ConsumeException e) when (e.Error.Code == ErrorCode.Local_MaxPollExceeded)
        {
            // A store was down longer than the poll interval while this loop waited for it (back-pressure):
            // librdkafka took the consumer out of its group. A new one rejoins; what this one had not
            // committed is replayed, which changes nothing.
            LogMaxPollExceeded(logger, Math.Max(kafka.MaxPollIntervalMs, kafka.EffectiveSessionTimeoutMs) / 1000);
            return true;
        }
        finally
        {
            // Let batches in flight finish (or unwind, when stopping) before the consumer goes; their
            // offsets stay uncommitted, and whoever gets the partitions replays them harmlessly.
            await Task.WhenAll(inFlight.Select(f => f.Work)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            metrics.Hold(-inFlight.Sum(f => f.Batch.Size));
        }

        return false;
    }

    /// <summary>
    /// Leaves the group and frees the client, waiting at most <see cref="CloseTimeout"/>: a consumer cut
    /// off from its coordinator may never finish leaving, and must not hold up its replacement or a stop.
    /// </summary>
    private async Task CloseAsync(IConsumer<byte[], byte[]> consumer)
    {
        try
        {
            await Task.Run(() =>
            {
                consumer.Close();
                consumer.Dispose();
            }).WaitAsync(CloseTimeout, clock);
        }
        catch (TimeoutException)
        {
            LogCloseAbandoned(logger, (int)CloseTimeout.TotalSeconds);
        }
    }

    /// <summary>
    /// Logs the first failed commit of a run of failures (then every 60th: librdkafka retries each
    /// second while the coordinator is away) and the commit that ends it.
    /// </summary>
    private void OnCommitted(Error error)
    {
        if (error.Code == ErrorCode.Local_NoOffset)
        {
            return; // nothing new to commit
        }

        if (!error.IsError)
        {
            var failed = Interlocked.Exchange(ref failedCommits, 0);
            if (failed > 0)
            {
                LogCommitsResumed(logger, failed);
            }

            return;
        }

        if (Interlocked.Increment(ref failedCommits) % 60 == 1)
        {
            LogCommitFailed(logger, failedCommits, error.Reason);
        }
    }

    /// <summary>
    /// Marks a stored batch's positions for commit. librdkafka commits them in the background (every
    /// <see cref="AutoCommitIntervalMilliseconds"/>, on a rebalance and on close) and retries a commit
    /// that failed, so a broker restart never blocks this loop; a crash before the commit replays the
    /// batch, which changes nothing.
    /// </summary>
    private void StoreOffsets(IConsumer<byte[], byte[]> consumer, ConsumedBatch batch)
    {
        foreach (var next in batch.NextOffsets)
        {
            try
            {
                consumer.StoreOffset(next);
            }
            catch (KafkaException e)
            {
                // The partition moved to another instance meanwhile: it replays the batch, which changes nothing.
                LogStoreSkipped(logger, next.Partition.Value, e.Error.Reason);
            }
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

    private List<ConsumeResult<byte[], byte[]>> ConsumeBatch(IConsumer<byte[], byte[]> consumer, CancellationToken stoppingToken) =>
        BatchFill.Take(consumer.Consume, settings.BatchSize, TimeSpan.FromMilliseconds(settings.MaxBatchWaitMilliseconds), clock, stoppingToken);

    private async Task ProcessAsync(ConsumedBatch batch, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        if (batch.Votes is null)
        {
            // Once: a retry after a failed write neither decodes again nor sends a dead letter twice.
            var (votes, letters) = Decode(batch.Messages);
            batch.Decoded(votes, letters);
        }

        await batch.SendDeadLettersAsync(async letter =>
        {
            await deadLetters.SendAsync(letter, cancellationToken);
            metrics.DeadLetters.Add(1);
            LogDeadLetter(logger, letter.OriginalPartition, letter.OriginalOffset, letter.Error);
        });

        var outcome = await recorder.RecordAsync(batch.Votes!, batch, cancellationToken);
        tallies.Signal(outcome.Shards);
        metrics.Stored.Add(outcome.Stored.Count);
        metrics.Replays.Add(outcome.Replayed.Count);
        metrics.Duplicates.Add(outcome.DuplicateAttempts);
        metrics.LeavesAppended.Add(outcome.LeavesAppended);
        foreach (var ballot in outcome.LeavesWithoutRow)
        {
            metrics.LeavesWithoutRow.Add(1);
            LogLeafWithoutRow(logger, Convert.ToHexString(ballot.BallotHash));
        }
        metrics.BatchSeconds.Record(Stopwatch.GetElapsedTime(started).TotalSeconds);
        metrics.BatchMessages.Record(batch.Size);
    }

    /// <summary>The votes of <paramref name="messages"/>, and a dead letter for each that can never be stored.</summary>
    private (List<VoteMessage> Votes, List<DeadLetter> DeadLetters) Decode(IReadOnlyList<ConsumeResult<byte[], byte[]>> messages)
    {
        var votes = new List<VoteMessage>(messages.Count);
        var letters = new List<DeadLetter>();
        foreach (var message in messages)
        {
            VoteMessage? vote = null;
            string? error;
            try
            {
                vote = VoteMessageReader.Read(message.Message.Value);
                error = VoteMessageRules.Check(vote);
            }
            catch (JsonException e)
            {
                error = "undecodable: " + e.Message;
            }

            if (error is null)
            {
                votes.Add(vote!);
            }
            else
            {
                letters.Add(DeadLetter.Of(
                    message.Topic, message.Partition.Value, message.Offset.Value, error, message.Message.Key, message.Message.Value ?? [], clock.GetUtcNow()));
            }
        }

        return (votes, letters);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Waited for a store longer than the consumer's poll interval ({Seconds} s): it left its group; building a new consumer (what was not committed is replayed, harmlessly)")]
    private static partial void LogMaxPollExceeded(ILogger logger, int seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Offset commit failed ({Failures} in a row; the batches are stored, the commit is retried, and a restart before it succeeds replays them harmlessly): {Error}")]
    private static partial void LogCommitFailed(ILogger logger, int failures, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Offset commits succeed again after {Failures} failures")]
    private static partial void LogCommitsResumed(ILogger logger, int failures);

    [LoggerMessage(Level = LogLevel.Information, Message = "Partition {Partition} is no longer ours; its last batch is left for its new owner to replay: {Error}")]
    private static partial void LogStoreSkipped(ILogger logger, int partition, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Consumer out of its group for {Seconds} s (state {State}); closing it and building a new one")]
    private static partial void LogOutOfGroup(ILogger logger, int seconds, string state);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The old consumer did not close within {Seconds} s; left to finish on its own")]
    private static partial void LogCloseAbandoned(ILogger logger, int seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Assigned partitions {Partitions}")]
    private static partial void LogAssigned(ILogger logger, string partitions);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Batch write failed (attempt {Attempt}); retrying, consumption paused: {Error}")]
    private static partial void LogRetry(ILogger logger, int attempt, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "Ballot {BallotHash} got a Merkle log leaf but no row: another writer stored its voter's other ballot meanwhile, or another ballot holds its id; the audit will report the leaf as a missing ballot")]
    private static partial void LogLeafWithoutRow(ILogger logger, string ballotHash);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dead letter: partition {Partition} offset {Offset}: {Error}")]
    private static partial void LogDeadLetter(ILogger logger, int partition, long offset, string error);
}
