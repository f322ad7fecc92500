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
                Message(vote),
                cancellationToken);
            return Failure(new Error(ErrorCode.NoError), result.Status) is { } failure ? throw failure : result.TopicPartitionOffset;
        }
        catch (ProduceException<byte[], byte[]> e)
        {
            throw Failure(e.Error, e.DeliveryResult.Status)!;
        }
    }

    /// <summary>
    /// Produces a batch and waits for every acknowledgement, in one wake-up however large the batch:
    /// the answer holds, in the order of <paramref name="votes"/>, null for a vote every in-sync
    /// replica has and the reason for one the broker did not take. Never throws for a single vote.
    /// </summary>
    public Task<VoteNotDurableException?[]> ProduceAllAsync(IReadOnlyList<VoteMessage> votes)
    {
        var failures = new VoteNotDurableException?[votes.Count];
        if (votes.Count == 0)
        {
            return Task.FromResult(failures);
        }

        var acknowledged = new TaskCompletionSource<VoteNotDurableException?[]>(TaskCreationOptions.RunContinuationsAsynchronously);
        var outstanding = votes.Count;
        void Settle(int index, VoteNotDurableException? failure)
        {
            failures[index] = failure;
            if (Interlocked.Decrement(ref outstanding) == 0)
            {
                acknowledged.TrySetResult(failures);
            }
        }

        for (var i = 0; i < votes.Count; i++)
        {
            var index = i;
            try
            {
                producer.Produce(topic, Message(votes[i]), report => Settle(index, Failure(report.Error, report.Status)));
            }
            catch (KafkaException e)
            {
                // Refused before it left this process (e.g. the local queue is full).
                Settle(index, new VoteNotDurableException($"Kafka did not take the vote: {e.Error.Reason}", e));
            }
        }

        return acknowledged.Task;
    }

    /// <summary>Why a delivery report is not an acknowledgement (null: it is one).</summary>
    public static VoteNotDurableException? Failure(Error error, PersistenceStatus status) =>
        status == PersistenceStatus.Persisted && !error.IsError ? null
        : new VoteNotDurableException(
            error.IsError ? $"Kafka did not take the vote: {error.Reason}" : $"Kafka answered {status} for the vote.",
            mayHaveReachedKafka: status == PersistenceStatus.PossiblyPersisted);

    private static Message<byte[], byte[]> Message(VoteMessage vote) => new()
    {
        Key = vote.Pseudonym,
        Value = JsonSerializer.SerializeToUtf8Bytes(vote, VotingJsonContext.Default.VoteMessage),
    };

    public void Dispose()
    {
        producer.Flush(TimeSpan.FromSeconds(10));
        producer.Dispose();
    }
}
