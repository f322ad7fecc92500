using System.ComponentModel.DataAnnotations;
using Voting.Infrastructure.Redis;

namespace Voting.Ingest;

/// <summary>Ingest behaviour. Section <c>Voting:Ingest</c>.</summary>
public sealed class IngestOptions : IValidatableObject
{
    public const string Section = "Voting:Ingest";

    /// <summary>
    /// A voter's lock must outlast the wait for Kafka: a batch renews its locks before producing once
    /// a quarter of their lifetime has gone, so with the wait at most half of it the lock is still held
    /// when the vote is committed, and no second attempt of the voter can cast another ballot meanwhile.
    /// </summary>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (KafkaAckTimeoutMilliseconds > VoterLockMilliseconds / 2)
        {
            yield return new ValidationResult(
                $"KafkaAckTimeoutMilliseconds ({KafkaAckTimeoutMilliseconds}) must be at most half of VoterLockMilliseconds ({VoterLockMilliseconds}): " +
                "a voter's lock must outlast the wait for Kafka, or a second attempt could take it and cast another ballot meanwhile.",
                [nameof(KafkaAckTimeoutMilliseconds), nameof(VoterLockMilliseconds)]);
        }

        if (PerClientBurst < PerClientPermitsPerSecond)
        {
            yield return new ValidationResult(
                $"PerClientBurst ({PerClientBurst}) must be at least PerClientPermitsPerSecond ({PerClientPermitsPerSecond}): " +
                "a bucket smaller than a second's refill caps the rate at the bucket.",
                [nameof(PerClientBurst), nameof(PerClientPermitsPerSecond)]);
        }
    }

    /// <summary>Largest request body accepted; a ballot is a few dozen bytes.</summary>
    [Range(64, 1_048_576)]
    public int MaxBodyBytes { get; set; } = 1024;

    /// <summary>How long one voter's lock lives if its holder dies mid-request.</summary>
    [Range(100, 60_000)]
    public int VoterLockMilliseconds { get; set; } = 10_000;

    /// <summary>How long an "accepted" marker bridges the gap until the processor has stored the vote.</summary>
    [Range(1, 7 * 24 * 60)]
    public int AcceptedMarkerMinutes { get; set; } = 24 * 60;

    /// <summary>Most cast attempts handled as one batch (one Redis script each way, one wait for Kafka).</summary>
    [Range(1, 1024)]
    public int BatchSize { get; set; } = 128;

    /// <summary>Batches handled at once; an idle one takes a lone attempt immediately.</summary>
    [Range(1, 64)]
    public int BatchesInFlight { get; set; } = 4;

    /// <summary>
    /// Cast attempts waiting for a batch, at most; one more is answered 503 at once. When Redis or Kafka
    /// slows, batches take seconds each: a queue without a bound would hold every arriving attempt and
    /// answer it minutes late. 10,000 is a few seconds of an instance's peak.
    /// </summary>
    [Range(1, 1_000_000)]
    public int MaxQueuedVotes { get; set; } = 10_000;

    /// <summary>How long to wait for Kafka's acknowledgement before answering 503.</summary>
    [Range(100, 120_000)]
    public int KafkaAckTimeoutMilliseconds { get; set; } = 5_000;

    /// <summary>How long a vote waits for the duplicate filter to be usable again (first start, or lost with Redis) before 503.</summary>
    [Range(0, 60_000)]
    public int FilterRebuildWaitMilliseconds { get; set; } = 2_000;

    /// <summary>Token-bucket refill per client address, per second.</summary>
    [Range(1, 10_000_000)]
    public int PerClientPermitsPerSecond { get; set; } = 100;

    /// <summary>Token-bucket size per client address.</summary>
    [Range(1, 10_000_000)]
    public int PerClientBurst { get; set; } = 200;

    /// <summary>
    /// Attempts one voter may make per minute beyond an accepted first one (a real voter needs none);
    /// counted in Redis, so across every ingest instance; 0 turns the limit off.
    /// </summary>
    [Range(0, 100_000)]
    public int PerVoterPermitsPerMinute { get; set; } = 10;

    /// <summary><see cref="PerVoterPermitsPerMinute"/> as the gate takes it.</summary>
    public VoterAttemptLimit AttemptLimit => new(PerVoterPermitsPerMinute, TimeSpan.FromMinutes(1));
}
