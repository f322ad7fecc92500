using System.ComponentModel.DataAnnotations;

namespace Voting.Results;

/// <summary>Caching of results, and the limit on lookups. Section <c>Voting:Results</c>.</summary>
public sealed class ResultsOptions : IValidatableObject
{
    public const string Section = "Voting:Results";

    /// <summary>How long each instance serves results from its own memory.</summary>
    /// <remarks>
    /// Typically results are at most local + shared old (2 s by default); just after expiry an
    /// instance serves its previous answer for up to one more local lifetime while it refreshes,
    /// so never older than 2 × local + shared (3 s). Each instance asks Redis about once a second
    /// per key, and ClickHouse is asked about once a second per key. A shorter local lifetime
    /// shows votes sooner but costs read throughput (measured: 500 ms gave 59–73% of bare Kestrel,
    /// 1 s gave 72–82% on the same box).
    /// </remarks>
    [Range(1, 60_000)]
    public int LocalCacheMilliseconds { get; set; } = 1_000;

    /// <summary>How long results stay in Redis for every instance.</summary>
    [Range(1, 600_000)]
    public int SharedCacheMilliseconds { get; set; } = 1_000;

    /// <summary>
    /// How long a refresh waits for Redis before it asks the backend itself (a Redis read takes about a
    /// millisecond; a hung Redis would otherwise hold every reader of the key for the client's timeout).
    /// </summary>
    [Range(1, 10_000)]
    public int SharedCacheReadTimeoutMilliseconds { get; set; } = 200;

    /// <summary>Copies of each results key in Redis under different hash slots, so a hot key spreads over a cluster's nodes.</summary>
    [Range(1, 64)]
    public int HotKeyReplicas { get; set; } = 8;

    /// <summary>Lookups of a vote or a receipt one client address (an IPv6 client: its /64) may make per second (<see cref="Apis.LookupRateLimits"/>).</summary>
    [Range(1, 1_000_000)]
    public int PerClientLookupsPerSecond { get; set; } = 5;

    /// <summary>Lookups a client may make at once before the per-second rate applies.</summary>
    [Range(1, 1_000_000)]
    public int PerClientLookupBurst { get; set; } = 20;

    /// <summary>max-age told to clients and CDNs.</summary>
    [Range(0, 3_600)]
    public int ClientMaxAgeSeconds { get; set; } = 1;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (PerClientLookupBurst < PerClientLookupsPerSecond)
        {
            yield return new ValidationResult(
                $"PerClientLookupBurst ({PerClientLookupBurst}) must be at least PerClientLookupsPerSecond ({PerClientLookupsPerSecond}): the bucket holds a second's lookups.",
                [nameof(PerClientLookupBurst)]);
        }
    }
}
