using System.ComponentModel.DataAnnotations;

namespace Voting.Results;

/// <summary>Caching of results. Section <c>Voting:Results</c>.</summary>
public sealed class ResultsOptions
{
    public const string Section = "Voting:Results";

    /// <summary>How long each instance serves results from its own memory.</summary>
    /// <remarks>
    /// Results are at most local + shared old (1.5 s by default). With the pipeline's own delay
    /// (batch wait, tally shipping) that keeps vote → visible within 2 s; each instance still asks
    /// Redis at most twice a second per key, and ClickHouse is asked once a second per key.
    /// </remarks>
    [Range(1, 60_000)]
    public int LocalCacheMilliseconds { get; set; } = 500;

    /// <summary>How long results stay in Redis for every instance; results are at most local + shared old.</summary>
    [Range(1, 600_000)]
    public int SharedCacheMilliseconds { get; set; } = 1_000;

    /// <summary>Copies of each results key in Redis under different hash slots, so a hot key spreads over a cluster's nodes.</summary>
    [Range(1, 64)]
    public int HotKeyReplicas { get; set; } = 8;

    /// <summary>max-age told to clients and CDNs.</summary>
    [Range(0, 3_600)]
    public int ClientMaxAgeSeconds { get; set; } = 1;
}
