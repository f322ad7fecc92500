using Confluent.Kafka;

namespace Voting.Infrastructure.Kafka;

/// <summary>Builds Confluent.Kafka configurations from <see cref="KafkaOptions"/>, in one place.</summary>
public static class KafkaClientConfigs
{
    /// <summary>A producer that answers only once every in-sync replica has the message.</summary>
    public static ProducerConfig Producer(KafkaOptions options)
    {
        var config = new ProducerConfig
        {
            BootstrapServers = options.BootstrapServers,
            Acks = Acks.All,
            LingerMs = 2,
            MessageTimeoutMs = options.RequestTimeoutMs,
            RequestTimeoutMs = options.RequestTimeoutMs,
            SocketTimeoutMs = options.RequestTimeoutMs,
            BrokerAddressFamily = BrokerAddressFamily.V4,
            // Idempotent producers need Kafka >= 0.11; duplicates from retries are absorbed downstream
            // by the database's unique keys in any case.
            EnableIdempotence = options.LegacyBroker09 ? false : true,
            // Every producer here reads only whether the broker took the message (the status; the
            // error always comes): copying the timestamp and headers back into each report costs a
            // new object and three native calls per message, for nothing.
            DeliveryReportFields = "status",
        };
        ApplyShared(config, options);
        return config;
    }

    /// <summary>A consumer that commits offsets only when told to.</summary>
    public static ConsumerConfig Consumer(KafkaOptions options, string groupId)
    {
        var config = new ConsumerConfig
        {
            BootstrapServers = options.BootstrapServers,
            GroupId = groupId,
            EnableAutoCommit = false,
            EnableAutoOffsetStore = false,
            AutoOffsetReset = AutoOffsetReset.Earliest,
            SessionTimeoutMs = options.EffectiveSessionTimeoutMs,
            MaxPollIntervalMs = Math.Max(options.MaxPollIntervalMs, options.EffectiveSessionTimeoutMs),
            SocketTimeoutMs = options.RequestTimeoutMs,
            BrokerAddressFamily = BrokerAddressFamily.V4,
        };
        ApplyShared(config, options);
        return config;
    }

    /// <summary>An admin client for metadata, offsets and (on modern brokers) topic creation.</summary>
    public static AdminClientConfig Admin(KafkaOptions options)
    {
        var config = new AdminClientConfig
        {
            BootstrapServers = options.BootstrapServers,
            SocketTimeoutMs = options.RequestTimeoutMs,
            BrokerAddressFamily = BrokerAddressFamily.V4,
        };
        ApplyShared(config, options);
        return config;
    }

    private static void ApplyShared(ClientConfig config, KafkaOptions options)
    {
        if (options.Debug.Length > 0)
        {
            config.Debug = options.Debug;
        }

        if (options.Security == KafkaSecurity.Tls)
        {
            // librdkafka checks the broker's certificate and its host name by default; neither is ever turned off here.
            config.SecurityProtocol = SecurityProtocol.Ssl;
            config.SslCaLocation = options.SslCaLocation.Length > 0 ? options.SslCaLocation : null;
            config.SslCertificateLocation = options.SslCertificateLocation.Length > 0 ? options.SslCertificateLocation : null;
            config.SslKeyLocation = options.SslKeyLocation.Length > 0 ? options.SslKeyLocation : null;
            config.SslKeyPassword = options.SslKeyPassword.Length > 0 ? options.SslKeyPassword : null;
        }

        if (!options.LegacyBroker09)
        {
            return;
        }

#pragma warning disable CS0618 // Deprecated on purpose: the only way librdkafka still talks to a 0.9 broker.
        config.ApiVersionRequest = false;
        config.BrokerVersionFallback = "0.9.0";
#pragma warning restore CS0618
    }
}
