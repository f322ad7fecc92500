using System.ComponentModel.DataAnnotations;

namespace Voting.Infrastructure.Kafka;

/// <summary>Kafka cluster and topics. Section <c>Voting:Kafka</c>.</summary>
public sealed class KafkaOptions : IValidatableObject
{
    public const string Section = "Voting:Kafka";

    /// <summary>Comma-separated host:port list.</summary>
    [Required]
    public string BootstrapServers { get; set; } = "";

    /// <summary>Accepted votes, keyed by voter pseudonym.</summary>
    [Required, RegularExpression("^[A-Za-z0-9._-]{1,200}$")]
    public string VotesTopic { get; set; } = "votes";

    /// <summary>Messages the processor can never process, with their original position and error.</summary>
    [Required, RegularExpression("^[A-Za-z0-9._-]{1,200}$")]
    public string DeadLetterTopic { get; set; } = "votes.dlq";

    /// <summary>Partitions of each topic when the project creates it.</summary>
    [Range(1, 10_000)]
    public int Partitions { get; set; } = 8;

    /// <summary>Replication factor of each topic when the project creates it.</summary>
    [Range(1, 7)]
    public short ReplicationFactor { get; set; } = 3;

    /// <summary>
    /// How long the broker keeps the messages of a topic the project creates. A vote message carries
    /// the voter's pseudonym with the choice, so the topics should not keep them much longer than a
    /// processor outage could last; they must keep them at least that long, or accepted votes would
    /// be lost unprocessed. Seven days by default (the broker's own default).
    /// </summary>
    [Range(1, 90 * 24)]
    public int RetentionHours { get; set; } = 7 * 24;

    /// <summary>Consumer group of the processors.</summary>
    [Required]
    public string ProcessorGroup { get; set; } = "voting-processor";

    /// <summary>
    /// Speak to an Apache Kafka 0.9 broker (the local stack): no ApiVersion request, a 0.9.0 fallback,
    /// a session timeout within 0.9's limit, and topics created by the stack script since 0.9 has no
    /// CreateTopics API. Leave false for any modern cluster.
    /// </summary>
    public bool LegacyBroker09 { get; set; }

    /// <summary>
    /// How long the group waits for a silent consumer before handing its partitions to others. Brokers
    /// refuse less than their <c>group.min.session.timeout.ms</c> (6 s unless changed): a consumer
    /// asking for less never joins its group.
    /// </summary>
    [Range(6_000, 300_000)]
    public int SessionTimeoutMs { get; set; } = 45_000;

    /// <summary>The session timeout the consumer asks for: <see cref="SessionTimeoutMs"/>, at most 30 s with a 0.9 broker (its limit).</summary>
    public int EffectiveSessionTimeoutMs => LegacyBroker09 ? Math.Min(SessionTimeoutMs, 30_000) : SessionTimeoutMs;

    /// <summary>
    /// How long a consumer may go without asking for messages before librdkafka takes it out of its group
    /// (<c>max.poll.interval.ms</c>); never less than the session timeout. The processor stops asking while
    /// a store is down (back-pressure), so an outage longer than this costs it its group membership: it
    /// then builds a new consumer, which replays what was not committed (harmlessly).
    /// </summary>
    [Range(6_000, 86_400_000)]
    public int MaxPollIntervalMs { get; set; } = 300_000;

    [Range(100, 120_000)]
    public int RequestTimeoutMs { get; set; } = 10_000;

    /// <summary>
    /// How the clients reach the brokers: <see cref="KafkaSecurity.Plaintext"/> (the default: a network
    /// only the cluster's pods reach) or <see cref="KafkaSecurity.Tls"/> (encrypted; each broker's
    /// certificate and host name checked against <see cref="SslCaLocation"/>).
    /// </summary>
    public KafkaSecurity Security { get; set; } = KafkaSecurity.Plaintext;

    /// <summary>PEM file of the CA(s) that signed the brokers' certificates; empty: librdkafka's default CA store. <see cref="KafkaSecurity.Tls"/> only.</summary>
    public string SslCaLocation { get; set; } = "";

    /// <summary>
    /// PEM file of this service's client certificate, for brokers that require one (mutual TLS: the
    /// brokers can tell the services apart, and ACLs can give ingest write access to the votes topic
    /// alone); with <see cref="SslKeyLocation"/>. <see cref="KafkaSecurity.Tls"/> only.
    /// </summary>
    public string SslCertificateLocation { get; set; } = "";

    /// <summary>PEM file of the client certificate's private key.</summary>
    public string SslKeyLocation { get; set; } = "";

    /// <summary>The private key's passphrase, if it is encrypted (a secret: set it from one).</summary>
    public string SslKeyPassword { get; set; } = "";

    /// <summary>
    /// librdkafka debug contexts for every client (e.g. <c>cgrp,broker</c>), written to the service's log;
    /// empty (the default) for none. For diagnosing a cluster, not for steady operation: it is verbose.
    /// </summary>
    [RegularExpression("^[a-z,]*$")]
    public string Debug { get; set; } = "";

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        var tlsFiles = new (string Name, string Value)[]
        {
            (nameof(SslCaLocation), SslCaLocation), (nameof(SslCertificateLocation), SslCertificateLocation), (nameof(SslKeyLocation), SslKeyLocation),
        };
        if (Security != KafkaSecurity.Tls)
        {
            // A TLS setting with TLS off would leave the votes travelling in the clear while the
            // configuration looks protected.
            foreach (var (name, _) in tlsFiles.Append((Name: nameof(SslKeyPassword), Value: SslKeyPassword)).Where(setting => setting.Value.Length > 0))
            {
                yield return new ValidationResult($"{Section}:{name} is set but {Section}:Security is {Security}: set Security to Tls, or remove {name}.");
            }

            yield break;
        }

        if ((SslCertificateLocation.Length > 0) != (SslKeyLocation.Length > 0))
        {
            yield return new ValidationResult($"{Section}:SslCertificateLocation and SslKeyLocation go together: a client certificate needs its key.");
        }

        if (SslKeyPassword.Length > 0 && SslKeyLocation.Length == 0)
        {
            yield return new ValidationResult($"{Section}:SslKeyPassword is set without SslKeyLocation.");
        }

        foreach (var (name, path) in tlsFiles.Where(file => file.Value.Length > 0 && !File.Exists(file.Value)))
        {
            yield return new ValidationResult($"{Section}:{name}: no file at {path}.");
        }
    }
}
