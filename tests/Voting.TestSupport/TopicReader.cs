using Confluent.Kafka;
using Voting.Infrastructure.Kafka;

namespace Voting.TestSupport;

/// <summary>Reads everything currently in a topic, from every partition, without a consumer group.</summary>
public static class TopicReader
{
    public static List<ConsumeResult<byte[], byte[]>> ReadAll(KafkaOptions options, string topic)
    {
        var config = KafkaClientConfigs.Consumer(options, LocalStack.UniqueName("reader"));
        using var consumer = new ConsumerBuilder<byte[], byte[]>(config).Build();
        using var admin = new AdminClientBuilder(KafkaClientConfigs.Admin(options)).Build();
        var metadata = admin.GetMetadata(topic, TimeSpan.FromSeconds(10)).Topics.Single();
        var messages = new List<ConsumeResult<byte[], byte[]>>();
        if (metadata.Error.Code != ErrorCode.NoError)
        {
            return messages; // the topic does not exist (yet): nothing was produced to it
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
        }

        return messages;
    }
}
