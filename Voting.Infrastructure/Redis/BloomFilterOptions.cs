using System.ComponentModel.DataAnnotations;

namespace Voting.Infrastructure.Redis;

/// <summary>The "already voted?" filter per election. Section <c>Voting:BloomFilter</c>.</summary>
public sealed class BloomFilterOptions
{
    public const string Section = "Voting:BloomFilter";

    /// <summary>Voters the filter is sized for; beyond it the false-positive rate climbs.</summary>
    [Range(1, 10_000_000_000)]
    public long ExpectedVoters { get; set; } = 50_000_000;

    /// <summary>Design false-positive rate; 0.0001 = 0.01%.</summary>
    [Range(1e-9, 0.5)]
    public double FalsePositiveRate { get; set; } = 0.0001;

    /// <summary>Keys the filter is split over (spreads memory and load across Redis Cluster nodes).</summary>
    [Range(1, 4096)]
    public int Shards { get; set; } = 64;

    /// <summary><c>auto</c> (probe for RedisBloom), <c>module</c> (BF.*), or <c>bitmap</c> (SETBIT/BITFIELD).</summary>
    [Required, RegularExpression("^(auto|module|bitmap)$")]
    public string Backend { get; set; } = "auto";
}
