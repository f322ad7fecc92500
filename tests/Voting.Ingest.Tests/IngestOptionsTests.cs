using System.ComponentModel.DataAnnotations;

namespace Voting.Ingest.Tests;

public sealed class IngestOptionsTests
{
    /// <summary>What data annotations and <see cref="IValidatableObject"/> say of <paramref name="options"/>, as options validation at start does.</summary>
    internal static List<ValidationResult> Validate(object options)
    {
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true);
        return results;
    }

    [Fact]
    public void The_defaults_let_a_voters_lock_outlast_the_wait_for_Kafka() => Assert.Empty(Validate(new IngestOptions()));

    [Fact]
    public void A_wait_for_Kafka_longer_than_half_the_voters_lock_is_refused_at_start()
    {
        var result = Assert.Single(Validate(new IngestOptions { VoterLockMilliseconds = 10_000, KafkaAckTimeoutMilliseconds = 5_001 }));
        Assert.StartsWith("KafkaAckTimeoutMilliseconds (5001) must be at most half of VoterLockMilliseconds (10000)", result.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void A_per_client_bucket_smaller_than_its_refill_is_refused_at_start()
    {
        var result = Assert.Single(Validate(new IngestOptions { PerClientPermitsPerSecond = 500, PerClientBurst = 200 }));
        Assert.StartsWith("PerClientBurst (200) must be at least PerClientPermitsPerSecond (500)", result.ErrorMessage, StringComparison.Ordinal);
        Assert.Empty(Validate(new IngestOptions { PerClientPermitsPerSecond = 500, PerClientBurst = 500 }));
    }
}
