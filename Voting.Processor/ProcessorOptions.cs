using System.ComponentModel.DataAnnotations;

namespace Voting.Processor;

/// <summary>Batching of the vote consumer. Section <c>Voting:Processor</c>.</summary>
public sealed class ProcessorOptions
{
    public const string Section = "Voting:Processor";

    /// <summary>Most messages written in one batch (one transaction per shard database).</summary>
    [Range(1, 100_000)]
    public int BatchSize { get; set; } = 64_000;

    /// <summary>Batches written concurrently; offsets are still committed in order.</summary>
    [Range(1, 32)]
    public int BatchesInFlight { get; set; } = 2;

    /// <summary>Longest wait for votes still to come before a batch is written with what is there; votes the client has already fetched still fill it up to <see cref="BatchSize"/>.</summary>
    [Range(1, 60_000)]
    public int MaxBatchWaitMilliseconds { get; set; } = 200;

    /// <summary>Longest pause between retries while MySQL or ClickHouse is down.</summary>
    [Range(100, 600_000)]
    public int MaxRetryDelayMilliseconds { get; set; } = 5_000;

    /// <summary>
    /// Longest time the consumer may be out of its group (not a steady member: joining, rejoining, or
    /// looking for a lost coordinator) before it is closed and built afresh. Keep it well above the
    /// Kafka session timeout: a join may wait that long for a departed member to expire.
    /// </summary>
    [Range(10, 3_600)]
    public int GroupStallSeconds { get; set; } = 60;
}
