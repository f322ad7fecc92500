using System.ComponentModel.DataAnnotations;

namespace Voting.Audit;

/// <summary>Checkpointing, anchoring and scheduled audits. Section <c>Voting:Audit</c>.</summary>
public sealed class AuditOptions
{
    public const string Section = "Voting:Audit";

    /// <summary>How often a checkpoint of each election's log is taken (and queued for anchoring) when the log grew.</summary>
    [Range(1, 86_400)]
    public int CheckpointIntervalSeconds { get; set; } = 60;

    /// <summary>Pause between anchoring attempts, and between lookups of mined anchors that are not final yet.</summary>
    [Range(1, 3_600)]
    public int AnchorRetrySeconds { get; set; } = 5;

    /// <summary>Minutes between scheduled full audits of every election; 0 turns them off.</summary>
    [Range(0, 10_080)]
    public int ScheduledAuditMinutes { get; set; } = 60;

    /// <summary>
    /// How long an audit keeps looking for the rows of leaves the log holds without one before it
    /// reports them missing: while the election runs, the processor appends each batch to the log
    /// before it stores the batch's rows, so the newest leaves have no row for a moment.
    /// </summary>
    [Range(0, 600)]
    public int InFlightSeconds { get; set; } = 10;

    /// <summary>Shard databases an audit reads at a time (of 16).</summary>
    [Range(1, 16)]
    public int ParallelShardReads { get; set; } = 4;
}
