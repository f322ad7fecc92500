using System.Diagnostics.Metrics;
using Voting.ServiceDefaults;

namespace Voting.Ingest.Casting;

/// <summary>Counters operators watch on the write path. Never tagged with anything about the voter or the choice.</summary>
public sealed class IngestMetrics
{
    public IngestMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(ServiceDefaultsExtensions.MeterName);
        Accepted = meter.CreateCounter<long>("voting.ingest.accepted", description: "Votes acknowledged by Kafka and answered 202");
        Refused = meter.CreateCounter<long>("voting.ingest.refused", description: "Cast attempts refused, by reason");
        BloomFalsePositives = meter.CreateCounter<long>("voting.ingest.bloom_false_positives", description: "Filter said maybe, exact check said no");
        BatchSize = meter.CreateHistogram<int>(
            "voting.ingest.batch_size",
            unit: "{attempt}",
            description: "Cast attempts handled together in one batch (one Redis script each way, one wait for Kafka)",
            advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024] });
    }

    public Counter<long> Accepted { get; }

    public Counter<long> Refused { get; }

    public Counter<long> BloomFalsePositives { get; }

    public Histogram<int> BatchSize { get; }

    public void Refuse(string reason) => Refused.Add(1, new KeyValuePair<string, object?>("reason", reason));
}
