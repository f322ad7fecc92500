using System.Text.Json;
using Confluent.Kafka;

namespace Voting.Infrastructure.Kafka;

/// <summary>Sends dead letters to the dead-letter topic and waits for the broker's acknowledgement.</summary>
public sealed class DeadLetterProducer : IDisposable
{
    private readonly IProducer<byte[], byte[]> producer;
    private readonly string topic;

    public DeadLetterProducer(KafkaOptions options)
    {
        producer = new ProducerBuilder<byte[], byte[]>(KafkaClientConfigs.Producer(options)).SetLogHandler(KafkaClientLog.Write).Build();
        topic = options.DeadLetterTopic;
    }

    public async Task SendAsync(DeadLetter letter, CancellationToken cancellationToken)
    {
        var result = await producer.ProduceAsync(
            topic,
            new Message<byte[], byte[]> { Key = letter.Key!, Value = JsonSerializer.SerializeToUtf8Bytes(letter, DeadLetterJsonContext.Default.DeadLetter) },
            cancellationToken);
        if (result.Status != PersistenceStatus.Persisted)
        {
            throw new VoteNotDurableException($"Dead letter not acknowledged: {result.Status}");
        }
    }

    public void Dispose()
    {
        producer.Flush(TimeSpan.FromSeconds(10));
        producer.Dispose();
    }
}
