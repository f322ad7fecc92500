using System.ComponentModel.DataAnnotations;

namespace Voting.Console.Blazor;

/// <summary>What the console shows and how fresh. Section <c>Voting:Console</c>.</summary>
public sealed class ConsoleOptions : IValidatableObject
{
    public const string Section = "Voting:Console";

    /// <summary>The election on screen; empty means the configured election that opened last (before any has opened, the next to open).</summary>
    public string ElectionId { get; set; } = "";

    /// <summary>Consumer lag (messages) from which a partition is shown as a warning.</summary>
    [Range(1, long.MaxValue)]
    public long LagWarning { get; set; } = 10_000;

    /// <summary>Consumer lag (messages) from which a partition is critical and the alert banner shows.</summary>
    [Range(1, long.MaxValue)]
    public long LagCritical { get; set; } = 100_000;

    /// <summary>How often tallies and the pipeline are read, in milliseconds.</summary>
    [Range(200, 60_000)]
    public int RefreshMilliseconds { get; set; } = 1_000;

    /// <summary>How often the shards are probed, in milliseconds (latency, and the ballot rows of 1,024 tables from their statistics).</summary>
    [Range(500, 600_000)]
    public int ShardRefreshMilliseconds { get; set; } = 5_000;

    /// <summary>How long one shard database's probe may take, in milliseconds, before that shard is shown unreachable.</summary>
    [Range(500, 60_000)]
    public int ShardProbeMilliseconds { get; set; } = 3_000;

    /// <summary>Minutes of history in the votes-per-second chart.</summary>
    [Range(1, 24 * 60)]
    public int RateHistoryMinutes { get; set; } = 60;

    /// <summary>Most dead letters listed (newest first).</summary>
    [Range(1, 100_000)]
    public int DeadLetterPageSize { get; set; } = 500;

    /// <summary>
    /// How long reading the dead letters to list (or to replay) may take; a read not done by then is
    /// reported as an error rather than shown as a shorter list.
    /// </summary>
    [Range(1, 120_000)]
    public int DeadLetterReadMilliseconds { get; set; } = 10_000;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (LagWarning >= LagCritical)
        {
            yield return new ValidationResult(
                $"LagWarning ({LagWarning}) must be below LagCritical ({LagCritical}), or no partition is ever shown as a warning.",
                [nameof(LagWarning), nameof(LagCritical)]);
        }
    }
}
