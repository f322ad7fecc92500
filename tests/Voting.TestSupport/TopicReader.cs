using Confluent.Kafka;
using Voting.Infrastructure.Kafka;

namespace Voting.TestSupport;

/// <summary>Reads everything currently in a topic, from every partition, without a consumer group.</summary>
public static class TopicReader
{
    public static List<ConsumeResult<byte[], byte[]>> ReadAll(KafkaOptions options, string topic)
    {
        // A topic without leaders yet (just created, as asking for a missing one creates it here, or on
        // a broker just restarted) is read again, for 30 s at most: its state is never taken for empty.
        var settle = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            try
            {
                return ReadOnce(options, topic);
            }
            catch (KafkaException) when (DateTime.UtcNow < settle)
            {
                Thread.Sleep(200);
            }
        }
    }

    private static List<ConsumeResult<byte[], byte[]>> ReadOnce(KafkaOptions options, string topic)
    {
        var config = KafkaClientConfigs.Consumer(options, LocalStack.UniqueName("reader"));
        using var consumer = new ConsumerBuilder<byte[], byte[]>(config).Build();
        using var admin = new AdminClientBuilder(KafkaClientConfigs.Admin(options)).Build();
        var messages = new List<ConsumeResult<byte[], byte[]>>();
        var metadata = admin.GetMetadata(topic, TimeSpan.FromSeconds(10)).Topics.Single();
        if (Unready(metadata) is { } error)
        {
            return error.Code == ErrorCode.UnknownTopicOrPart
                ? messages // the topic does not exist: nothing was produced to it
                : throw new KafkaException(error);
        }

        foreach (var partition in metadata.Partitions)
        {
            var tp = new TopicPartition(topic, partition.PartitionId);
            var high = consumer.QueryWatermarkOffsets(tp, TimeSpan.FromSeconds(10)).High.Value;
            if (high == 0)
            {
                continue;
            }

            consumer.Assign(new TopicPartitionOffset(tp, Offset.Beginning));
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (DateTime.UtcNow < deadline)
            {
                var result = consumer.Consume(TimeSpan.FromMilliseconds(500));
                if (result is null)
                {
                    continue;
                }

                messages.Add(result);
                if (result.Offset.Value >= high - 1)
                {
                    break;
                }
            }

            if (messages.LastOrDefault()?.TopicPartition != tp || messages[^1].Offset.Value < high - 1)
            {
                throw new TimeoutException($"{tp} was not read to its end (offset {high - 1}) within 30 s");
            }
        }

        return messages;
    }

    private static Error? Unready(TopicMetadata metadata) =>
        metadata.Error.Code != ErrorCode.NoError ? metadata.Error
        : metadata.Partitions.Count == 0 ? new Error(ErrorCode.LeaderNotAvailable)
        : metadata.Partitions.FirstOrDefault(p => p.Error.Code != ErrorCode.NoError)?.Error;
}
