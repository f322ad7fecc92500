using System.Globalization;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Microsoft.Extensions.Logging;

namespace Voting.Infrastructure.Kafka;

/// <summary>
/// Makes sure the votes and dead-letter topics exist with the configured partition count.
/// Modern brokers: created through the admin API. Kafka 0.9 (local stack) has no CreateTopics API,
/// so the stack script creates them and this only verifies, failing with a clear message.
/// </summary>
public sealed class KafkaTopicProvisioner(KafkaOptions options, ILogger<KafkaTopicProvisioner> logger)
{
    public async Task EnsureTopicsAsync(CancellationToken cancellationToken)
    {
        using var admin = new AdminClientBuilder(KafkaClientConfigs.Admin(options)).SetLogHandler(KafkaClientLog.Write).Build();
        string[] wanted = [options.VotesTopic, options.DeadLetterTopic];
        var missing = wanted.Where(topic => PartitionCount(admin, topic) is null).ToArray();

        if (missing.Length > 0 && !options.LegacyBroker09)
        {
            logger.LogInformation("Creating Kafka topics {Topics} with {Partitions} partitions", missing, options.Partitions);
            try
            {
                await admin.CreateTopicsAsync(
                    missing.Select(topic => Specification(options, topic)),
                    new CreateTopicsOptions { RequestTimeout = TimeSpan.FromMilliseconds(options.RequestTimeoutMs) });
            }
            catch (CreateTopicsException e) when (e.Results.All(r => r.Error.Code is ErrorCode.NoError or ErrorCode.TopicAlreadyExists))
            {
                // Another instance created them first.
            }

            cancellationToken.ThrowIfCancellationRequested();
        }

        foreach (var topic in wanted)
        {
            var partitions = PartitionCount(admin, topic)
                ?? throw new InvalidOperationException(
                    $"Kafka topic '{topic}' does not exist on {options.BootstrapServers}. " +
                    (options.LegacyBroker09
                        ? "Kafka 0.9 cannot create topics over the wire: run 'deploy/local/stack.sh up', which creates them."
                        : "Creating it failed; check the broker's logs and the client's ACLs."));
            if (partitions != options.Partitions)
            {
                logger.LogWarning(
                    "Kafka topic {Topic} has {Actual} partitions, configuration says {Configured}; using what the broker has",
                    topic, partitions, options.Partitions);
            }
        }
    }

    /// <summary>
    /// A topic as the project creates it. Ingest answers 202 once the broker acknowledged with
    /// acks=all, which only means "every replica in sync", and the broker's default of one in-sync
    /// replica would let that be the leader alone: a vote must be on all but one replica (two of
    /// three) before it counts as acknowledged, and a replica that fell behind never becomes leader.
    /// </summary>
    public static TopicSpecification Specification(KafkaOptions options, string topic) => new()
    {
        Name = topic,
        NumPartitions = options.Partitions,
        ReplicationFactor = options.ReplicationFactor,
        Configs = new Dictionary<string, string>
        {
            ["min.insync.replicas"] = MinInSyncReplicas(options.ReplicationFactor).ToString(CultureInfo.InvariantCulture),
            ["unclean.leader.election.enable"] = "false",
            ["retention.ms"] = ((long)options.RetentionHours * 3_600_000).ToString(CultureInfo.InvariantCulture),
            // The broker deletes whole segments, a segment once its newest message is past retention, and
            // closes one only after segment.ms (7 days by default): messages pairing a pseudonym with a
            // choice would outlive the retention by up to a week. Segments of an hour keep that to an hour.
            ["segment.ms"] = SegmentMilliseconds.ToString(CultureInfo.InvariantCulture),
        },
    };

    /// <summary>How long a topic's segment stays open (an hour): how far past its retention a message may be kept.</summary>
    public const long SegmentMilliseconds = 3_600_000;

    /// <summary>All replicas but one from three up (a broker may be down and writes go on); with two, both.</summary>
    public static int MinInSyncReplicas(short replicationFactor) => replicationFactor >= 3 ? replicationFactor - 1 : replicationFactor;

    /// <summary>Partitions of <paramref name="topic"/>, or null when the broker doesn't know it.</summary>
    private int? PartitionCount(IAdminClient admin, string topic)
    {
        var metadata = admin.GetMetadata(topic, TimeSpan.FromMilliseconds(options.RequestTimeoutMs));
        var found = metadata.Topics.FirstOrDefault(t => t.Topic == topic);
        return found is null || found.Error.Code != ErrorCode.NoError || found.Partitions.Count == 0
            ? null
            : found.Partitions.Count;
    }
}
