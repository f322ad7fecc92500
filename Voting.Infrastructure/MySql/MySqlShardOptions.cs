using System.ComponentModel.DataAnnotations;

namespace Voting.Infrastructure.MySql;

/// <summary>The 16 shard databases. Section <c>Voting:MySql</c>.</summary>
public sealed class MySqlShardOptions : IValidatableObject
{
    public const string Section = "Voting:MySql";

    /// <summary>Server, user and password of every shard, without a database name.</summary>
    [Required]
    public string ConnectionString { get; set; } = "";

    /// <summary>
    /// Per-shard servers where shards live on different machines: shard index (0–15) → connection
    /// string. A shard not listed uses <see cref="ConnectionString"/>.
    /// </summary>
    public Dictionary<int, string> ShardConnectionStrings { get; set; } = [];

    /// <summary>
    /// Server of the Merkle log database, without a database name. Empty: shard 0's server. Every
    /// ballot of an election is appended to this one database, so at a national peak it needs a
    /// server of its own (docs/capacity-model.md).
    /// </summary>
    public string LogConnectionString { get; set; } = "";

    /// <summary>Shard databases are named prefix + 00…15. Tests use their own prefix to stay isolated.</summary>
    [Required, RegularExpression("^[a-z][a-z0-9_]{0,40}$")]
    public string DatabasePrefix { get; set; } = "voting_s";

    [Range(1, 1_000)]
    public int MaxPoolSizePerShard { get; set; } = 32;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        // A shard numbered outside 0–15 (e.g. counted from 1) would be ignored, and the shard it
        // was meant for would be created and written on the default server instead.
        foreach (var shard in ShardConnectionStrings.Keys.Where(k => k < 0 || k >= Core.Sharding.ShardLayout.DatabaseCount).Order())
        {
            yield return new ValidationResult(
                $"ShardConnectionStrings has shard {shard}; shards are numbered 0–{Core.Sharding.ShardLayout.DatabaseCount - 1}.", [nameof(ShardConnectionStrings)]);
        }

        foreach (var shard in ShardConnectionStrings.Where(p => string.IsNullOrWhiteSpace(p.Value)).Select(p => p.Key).Order())
        {
            yield return new ValidationResult($"ShardConnectionStrings of shard {shard} is empty.", [nameof(ShardConnectionStrings)]);
        }
    }
}
