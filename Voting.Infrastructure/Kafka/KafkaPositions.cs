using Confluent.Kafka;
using Confluent.Kafka.Admin;
namespace Voting.Infrastructure.Kafka;

/// <summary>
/// Reads Kafka positions without joining any group: partitions, watermarks, consumer groups and
/// their committed offsets (all of which Kafka 0.9 answers).
/// </summary>
public sealed class KafkaPositions : IDisposable
{
    private readonly TimeSpan timeout;
    private readonly IAdminClient admin;
    private readonly IConsumer<byte[], byte[]> consumer;

    public KafkaPositions(KafkaOptions options)
    {
        Options = options;
        timeout = TimeSpan.FromMilliseconds(options.RequestTimeoutMs);
        admin = new AdminClientBuilder(KafkaClientConfigs.Admin(options)).SetLogHandler(KafkaClientLog.Write).Build();
        consumer = new ConsumerBuilder<byte[], byte[]>(KafkaClientConfigs.Consumer(options, "voting-positions"))
            .SetLogHandler(KafkaClientLog.Write).Build();
    }

    public KafkaOptions Options { get; }

    /// <summary>The topic's partitions; empty when the topic does not exist (yet).</summary>
    public IReadOnlyList<TopicPartition> Partitions(string topic)
    {
        var found = Describe(topic);
        return found is null || found.Error.IsError
            ? []
            : [.. found.Partitions.Select(p => new TopicPartition(topic, p.PartitionId)).OrderBy(p => p.Partition.Value)];
    }

    public WatermarkOffsets Watermarks(TopicPartition partition) => consumer.QueryWatermarkOffsets(partition, timeout);

    /// <summary>Consumer groups the cluster knows.</summary>
    public IReadOnlyList<string> Groups() =>
        [.. admin.ListGroups(timeout).Where(g => g.Error.Code == ErrorCode.NoError).Select(g => g.Group).Order(StringComparer.Ordinal)];

    /// <summary>The group's committed offset per partition (null where it has committed none).</summary>
    public async Task<IReadOnlyDictionary<int, long?>> CommittedAsync(string group, IReadOnlyList<TopicPartition> partitions)
    {
        if (partitions.Count == 0)
        {
            return new Dictionary<int, long?>();
        }

        var results = await admin.ListConsumerGroupOffsetsAsync(
            [new ConsumerGroupTopicPartitions(group, [.. partitions])],
            new ListConsumerGroupOffsetsOptions { RequestTimeout = timeout });
        return results.SelectMany(r => r.Partitions).ToDictionary(
            p => p.Partition.Value,
            p => p.Offset.IsSpecial ? (long?)null : p.Offset.Value);
    }

    /// <summary>
    /// Whether <paramref name="group"/> has committed, on every partition of <paramref name="topic"/>,
    /// at least the given end offsets: everything produced before they were read has been processed.
    /// </summary>
    /// <remarks>False, not an error, while the broker can't say yet (its group coordinator is still loading after a restart).</remarks>
    public async Task<bool> HasProcessedAsync(string group, string topic, IReadOnlyDictionary<int, long> ends)
    {
        IReadOnlyDictionary<int, long?> committed;
        try
        {
            committed = await CommittedAsync(group, Partitions(topic));
        }
        catch (ListConsumerGroupOffsetsException)
        {
            return false;
        }

        return ends.All(end => end.Value == 0 || (committed.TryGetValue(end.Key, out var offset) && offset >= end.Value));
    }

    /// <summary>
    /// The end (high watermark) of every partition of <paramref name="topic"/>, as the broker states it.
    /// Throws a <see cref="KafkaException"/> when it can't state them all — the topic unknown, a topic or
    /// partition error (a broker restarting, a partition without a leader), no partitions — instead of
    /// answering with fewer ends: "every end is 0" must never be concluded from a non-answer.
    /// </summary>
    public IReadOnlyDictionary<int, long> Ends(string topic) =>
        StatedPartitions(topic).ToDictionary(p => p.Partition.Value, p => Watermarks(p).High.Value);

    /// <summary>
    /// Every partition of <paramref name="topic"/>, as the broker states them; throws a
    /// <see cref="KafkaException"/> when it can't (as <see cref="Ends"/> does), where
    /// <see cref="Partitions"/> answers none: for what would read "no lag", "no dead letters" from a
    /// topic that is missing, misnamed or failing.
    /// </summary>
    public IReadOnlyList<TopicPartition> StatedPartitions(string topic)
    {
        var found = Describe(topic)
            ?? throw new KafkaException(new Error(ErrorCode.UnknownTopicOrPart, $"the broker did not describe topic {topic}"));
        if (found.Error.IsError)
        {
            throw new KafkaException(new Error(found.Error.Code, $"topic {topic}: {found.Error.Reason}"));
        }

        if (found.Partitions.Count == 0)
        {
            throw new KafkaException(new Error(ErrorCode.UnknownTopicOrPart, $"topic {topic} has no partitions"));
        }

        if (found.Partitions.FirstOrDefault(p => p.Error.IsError) is { } failing)
        {
            throw new KafkaException(new Error(failing.Error.Code, $"topic {topic} partition {failing.PartitionId}: {failing.Error.Reason}"));
        }

        return [.. found.Partitions.Select(p => new TopicPartition(topic, p.PartitionId)).OrderBy(p => p.Partition.Value)];
    }

    /// <summary>The broker's description of <paramref name="topic"/>, or null when it gave none.</summary>
    private TopicMetadata? Describe(string topic) => admin.GetMetadata(topic, timeout).Topics.FirstOrDefault(t => t.Topic == topic);

    public void Dispose()
    {
        consumer.Close();
        consumer.Dispose();
        admin.Dispose();
    }
}
