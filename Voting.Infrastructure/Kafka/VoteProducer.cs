using System.Text.Json;
using Confluent.Kafka;
using Voting.Core.Ballots;

namespace Voting.Infrastructure.Kafka;

/// <summary>Hands accepted votes to Kafka; a call returns only once every in-sync replica has the message.</summary>
public sealed class VoteProducer : IDisposable
{
    private readonly IProducer<byte[], byte[]> producer;
    private readonly string topic;

    public VoteProducer(KafkaOptions options, int messageTimeoutMs)
    {
        var config = KafkaClientConfigs.Producer(options);
        config.MessageTimeoutMs = messageTimeoutMs;
        config.RequestTimeoutMs = Math.Min(messageTimeoutMs, options.RequestTimeoutMs);
        producer = new ProducerBuilder<byte[], byte[]>(config).SetLogHandler(KafkaClientLog.Write).Build();
        topic = options.VotesTopic;
    }

    /// <summary>Produces and waits for the acknowledgement; throws <see cref="VoteNotDurableException"/> when the broker did not take it.</summary>
    public async Task<TopicPartitionOffset> ProduceAsync(VoteMessage vote, CancellationToken cancellationToken)
    {
        try
        {
            var result = await producer.ProduceAsync(
                topic,
                new Message<byte[], byte[]>
                {
                    Key = vote.Pseudonym,
                    Value = JsonSerializer.SerializeToUtf8Bytes(vote, VotingJsonContext.Default.VoteMessage),
                },
                cancellationToken);
            return result.Status == PersistenceStatus.Persisted
                ? result.TopicPartitionOffset
                : throw new VoteNotDurableException($"Kafka answered {result.Status} for the vote.");
        }
        catch (ProduceException<byte[], byte[]> e)
        {
            throw new VoteNotDurableException($"Kafka did not take the vote: {e.Error.Reason}", e);
        }
    }

    public void Dispose()
    {
        producer.Flush(TimeSpan.FromSeconds(10));
        producer.Dispose();
    }
}
