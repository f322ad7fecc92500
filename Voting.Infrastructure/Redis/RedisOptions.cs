using System.ComponentModel.DataAnnotations;

namespace Voting.Infrastructure.Redis;

/// <summary>Duplicate filters, locks and the shared result cache. Section <c>Voting:Redis</c>.</summary>
public sealed class RedisOptions
{
    public const string Section = "Voting:Redis";

    /// <summary>StackExchange.Redis configuration string, e.g. <c>127.0.0.1:6379,abortConnect=false</c>.</summary>
    [Required]
    public string Configuration { get; set; } = "";

    /// <summary>Prefix of every key this system writes; tests use their own to stay isolated.</summary>
    [Required, RegularExpression("^[A-Za-z0-9:_-]{1,64}$")]
    public string KeyPrefix { get; set; } = "voting:";
}
