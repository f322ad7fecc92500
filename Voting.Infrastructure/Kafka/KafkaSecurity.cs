namespace Voting.Infrastructure.Kafka;

/// <summary>How the Kafka clients reach the brokers (<see cref="KafkaOptions.Security"/>).</summary>
public enum KafkaSecurity
{
    /// <summary>Unencrypted, unauthenticated: only on a network nothing else reaches.</summary>
    Plaintext,

    /// <summary>TLS, with a client certificate when one is configured (mutual TLS).</summary>
    Tls,
}
