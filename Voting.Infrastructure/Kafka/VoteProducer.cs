using System.Text.Json;
using Confluent.Kafka;
using Voting.Core.Ballots;

namespace Voting.Infrastructure.Kafka;

/// <summary>
/// Hands accepted votes to Kafka; a call returns only once every in-sync replica has the message.
/// Safe to call while, or after, it is disposed: the Kafka client's native handle must never be used
/// once freed (that ends the process), so a vote arriving then is answered not taken.
/// </summary>
public sealed class VoteProducer : IDisposable
{
    private readonly IProducer<byte[], byte[]> producer;
    private readonly string topic;

    // Held for reading while votes are handed to the client, for writing while it is shut: no vote is
    // handed over once Dispose has begun, and Dispose frees nothing while one is being handed over.
    private readonly ReaderWriterLockSlim handing = new();
    private bool disposed;

    public VoteProducer(KafkaOptions options, int messageTimeoutMs)
    {
        var config = KafkaClientConfigs.Producer(options);
        config.MessageTimeoutMs = messageTimeoutMs;
        config.RequestTimeoutMs = Math.Min(messageTimeoutMs, options.RequestTimeoutMs);
        producer = new ProducerBuilder<byte[], byte[]>(config).SetLogHandler(KafkaClientLog.Write).Build();
        topic = options.VotesTopic;
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

        handing.EnterReadLock();
        try
        {
            for (var i = 0; i < votes.Count; i++)
            {
                var index = i;
                if (disposed)
                {
                    Settle(index, new VoteNotDurableException("Kafka did not take the vote: the service is shutting down"));
                    continue;
                }

                try
                {
                    producer.Produce(topic, Message(votes[i]), report => Settle(index, Failure(report.Error, report.Status)));
                }
                catch (KafkaException e)
                {
                    // Refused before it left this process (e.g. the local queue is full).
                    Settle(index, new VoteNotDurableException($"Kafka did not take the vote: {e.Error.Reason}", e));
                }
                catch (Exception e)
                {
                    // The client refused the call itself (an argument, a disposed handle): nothing of this
                    // message was queued, so this vote alone is not taken; the others go on.
                    Settle(index, new VoteNotDurableException($"Kafka did not take the vote: {e.Message}", e));
                }
            }
        }
        finally
        {
            handing.ExitReadLock();
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

    /// <summary>Waits up to 10 s for the votes already handed over, then frees the client; later votes are answered not taken.</summary>
    public void Dispose()
    {
        handing.EnterWriteLock();
        try
        {
            if (disposed)
            {
                return;
            }

            disposed = true;
        }
        finally
        {
            handing.ExitWriteLock();
        }

        // The lock itself is kept, not disposed: a late caller still takes it to find the producer shut.
        producer.Flush(TimeSpan.FromSeconds(10));
        producer.Dispose();
    }
}
