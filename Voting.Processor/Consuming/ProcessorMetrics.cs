using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Voting.ServiceDefaults;

namespace Voting.Processor.Consuming;

/// <summary>What operators watch on the processor. Counts only; nothing about voters or choices.</summary>
public sealed class ProcessorMetrics
{
    public ProcessorMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(ServiceDefaultsExtensions.MeterName);
        Stored = meter.CreateCounter<long>("voting.processor.ballots_stored", description: "Ballots newly stored");
        Replays = meter.CreateCounter<long>("voting.processor.replays", description: "Redelivered messages that changed nothing");
        Duplicates = meter.CreateCounter<long>("voting.processor.duplicate_attempts", description: "Second ballots of voters who had voted: not stored");
        DeadLetters = meter.CreateCounter<long>("voting.processor.dead_letters", description: "Messages sent to the dead-letter topic");
        BatchSeconds = meter.CreateHistogram<double>(
            "voting.processor.batch_duration",
            unit: "s",
            description: "Write time of one batch",
            // In seconds: the exporter's defaults (0, 5, 10, 25, ... 10,000) are meant for milliseconds
            // and would put every batch in the first bucket.
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30] });
        BatchMessages = meter.CreateHistogram<long>(
            "voting.processor.batch_messages",
            unit: "{message}",
            description: "Messages in one stored batch (at most Voting:Processor:BatchSize; smaller when the topic runs dry within the batch wait)",
            advice: new InstrumentAdvice<long> { HistogramBucketBoundaries = [1, 10, 100, 1_000, 4_000, 16_000, 64_000, 100_000] });
        LeavesAppended = meter.CreateCounter<long>("voting.processor.leaves_appended", description: "Ballot hashes appended to the Merkle log");
        LeavesWithoutRow = meter.CreateCounter<long>("voting.processor.leaves_without_row", description: "Merkle log leaves whose ballot was then not stored (another writer stored the voter's other ballot, or another ballot holds its id): each an audit finding");
        Retries = meter.CreateCounter<long>(
            "voting.processor.retries",
            description: "Store operations retried after a transient failure: work=batch a batch's writes (MariaDB), work=tallies shipping tallies (MariaDB or ClickHouse)");
        ConsumerRebuilds = meter.CreateCounter<long>("voting.processor.consumer_rebuilds", description: "Kafka consumers closed and built afresh after being out of their group too long");
        meter.CreateObservableGauge(
            "voting.processor.messages_held",
            () => Interlocked.Read(ref held),
            unit: "{message}",
            description: "Messages taken from the votes topic whose batch is not stored yet: at most batches in flight × batch size (back-pressure)");
        meter.CreateObservableGauge(
            "voting.processor.lag",
            () => lag.Select(p => new Measurement<long>(p.Value, new KeyValuePair<string, object?>("partition", p.Key))),
            unit: "{message}",
            description: "Messages behind the partition's end, per assigned partition (as of the last batch)");
    }

    /// <summary>Tag of a retried batch write.</summary>
    public static readonly KeyValuePair<string, object?> BatchWork = new("work", "batch");

    /// <summary>Tag of a retried round of tally shipping.</summary>
    public static readonly KeyValuePair<string, object?> TallyWork = new("work", "tallies");

    private readonly ConcurrentDictionary<int, long> lag = new();
    private long held;

    /// <summary>Counts <paramref name="messages"/> taken from the topic (positive) or let go, stored or abandoned (negative).</summary>
    public void Hold(int messages) => Interlocked.Add(ref held, messages);

    public Counter<long> LeavesAppended { get; }

    public Counter<long> ConsumerRebuilds { get; }

    public Counter<long> LeavesWithoutRow { get; }

    /// <summary>Records how far behind the end of <paramref name="partition"/> this consumer is.</summary>
    public void SetLag(int partition, long messages) => lag[partition] = Math.Max(0, messages);

    /// <summary>Forgets partitions this instance no longer owns.</summary>
    public void KeepOnly(IEnumerable<int> partitions)
    {
        var owned = partitions.ToHashSet();
        foreach (var partition in lag.Keys.Where(p => !owned.Contains(p)))
        {
            lag.TryRemove(partition, out _);
        }
    }

    public Counter<long> Stored { get; }

    public Counter<long> Replays { get; }

    public Counter<long> Duplicates { get; }

    public Counter<long> DeadLetters { get; }

    public Histogram<double> BatchSeconds { get; }

    public Histogram<long> BatchMessages { get; }

    public Counter<long> Retries { get; }
}
