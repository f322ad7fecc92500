using System.Diagnostics;
using Microsoft.Extensions.Options;
using Voting.Console.Blazor.Live;
using Voting.Infrastructure.Kafka;

namespace Voting.Console.Blazor.Pipeline;

/// <summary>
/// Lag of every consumer group on the votes topic, the ingest and processing rates (from how fast
/// the topic's end and the processor group's offsets move between readings), and the dead-letter count.
/// </summary>
public sealed class PipelineSource(KafkaPositions kafka, IOptions<ConsoleOptions> options) : IBoardSource<PipelineSnapshot>
{
    private (long Produced, long Processed, long At)? previous;

    public TimeSpan Interval => TimeSpan.FromMilliseconds(options.Value.RefreshMilliseconds);

    public async Task<PipelineSnapshot> ReadAsync(CancellationToken cancellationToken)
    {
        var thresholds = new LagThresholds(options.Value.LagWarning, options.Value.LagCritical);
        var topic = kafka.Options.VotesTopic;
        // Stated or an error: a topic that is missing or failing must read as unknown (the board turns stale), never as "no lag".
        var partitions = kafka.StatedPartitions(topic);
        var ends = partitions.ToDictionary(p => p.Partition.Value, p => kafka.Watermarks(p).High.Value);

        var lags = new List<PartitionLag>();
        long processed = 0;
        // The processor group is always shown, even while no member is connected (a 0.9 broker lists
        // only groups with members; the group's committed offsets remain and so does its lag).
        foreach (var group in kafka.Groups().Append(kafka.Options.ProcessorGroup).Distinct(StringComparer.Ordinal))
        {
            var committed = await kafka.CommittedAsync(group, partitions);
            if (committed.Values.All(c => c is null) && group != kafka.Options.ProcessorGroup)
            {
                continue; // a group of some other topic
            }

            foreach (var (partition, end) in ends)
            {
                var position = committed.GetValueOrDefault(partition);
                var lag = Math.Max(0, end - (position ?? 0));
                lags.Add(new PartitionLag(group, partition, position, end, lag, thresholds.Classify(lag)));
                if (group == kafka.Options.ProcessorGroup)
                {
                    processed += position ?? 0;
                }
            }
        }

        var deadLetters = kafka.StatedPartitions(kafka.Options.DeadLetterTopic).Sum(p =>
        {
            var marks = kafka.Watermarks(p);
            return marks.High.Value - marks.Low.Value;
        });

        var produced = ends.Values.Sum();
        var now = Stopwatch.GetTimestamp();
        double ingestRate = 0, processRate = 0;
        if (previous is { } last && Stopwatch.GetElapsedTime(last.At, now).TotalSeconds is var seconds and > 0)
        {
            ingestRate = Math.Max(0, produced - last.Produced) / seconds;
            processRate = Math.Max(0, processed - last.Processed) / seconds;
        }

        previous = (produced, processed, now);
        return new PipelineSnapshot(topic, lags, ingestRate, processRate, deadLetters, LagThresholds.Worst(lags.Select(l => l.Level)), thresholds);
    }
}
