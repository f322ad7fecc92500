using Confluent.Kafka;
using Voting.Core.Ballots;
using Voting.Infrastructure.Kafka;

namespace Voting.Processor.Consuming;

/// <summary>
/// A batch taken from the votes topic: its messages until they are decoded, then only its votes
/// and the positions to commit once it is stored: a batch of 64,000 lives for seconds, and holds no
/// more than it still needs meanwhile; a retry works from the votes already decoded. The batch is also
/// what <see cref="Voting.Infrastructure.Storage.BatchRecorder"/> reserves its voters under.
/// </summary>
internal sealed class ConsumedBatch
{
    private List<ConsumeResult<byte[], byte[]>>? messages;

    public ConsumedBatch(List<ConsumeResult<byte[], byte[]>> messages)
    {
        this.messages = messages;
        Size = messages.Count;
        NextOffsets = [.. messages
            .GroupBy(m => m.TopicPartition)
            .Select(partition => new TopicPartitionOffset(partition.Key, partition.Max(m => m.Offset.Value) + 1))];
    }

    /// <summary>How many messages were taken from the topic for the batch.</summary>
    public int Size { get; }

    /// <summary>Per partition, the offset after the batch's last message: what to commit once it is stored.</summary>
    public IReadOnlyList<TopicPartitionOffset> NextOffsets { get; }

    /// <summary>The votes decoded from the messages; null until <see cref="Decoded"/>.</summary>
    public IReadOnlyList<VoteMessage>? Votes { get; private set; }

    /// <summary>The messages, until they are decoded.</summary>
    public IReadOnlyList<ConsumeResult<byte[], byte[]>> Messages =>
        messages ?? throw new InvalidOperationException("the batch's messages were let go once decoded");

    private readonly Queue<DeadLetter> unsentDeadLetters = new();

    /// <summary>Dead letters of the batch the broker has not acknowledged yet.</summary>
    public int UnsentDeadLetters => unsentDeadLetters.Count;

    /// <summary>Keeps <paramref name="votes"/> and the batch's <paramref name="deadLetters"/> to send, and lets the messages go.</summary>
    public void Decoded(IReadOnlyList<VoteMessage> votes, IEnumerable<DeadLetter> deadLetters)
    {
        Votes = votes;
        foreach (var letter in deadLetters)
        {
            unsentDeadLetters.Enqueue(letter);
        }

        messages?.Clear();
        messages = null;
    }

    /// <summary>
    /// Sends the dead letters not sent yet, in order; each leaves the batch once <paramref name="send"/>
    /// returned, so a retry after a failure part-way sends only the rest, never one twice.
    /// </summary>
    public async Task SendDeadLettersAsync(Func<DeadLetter, Task> send)
    {
        while (unsentDeadLetters.TryPeek(out var letter))
        {
            await send(letter);
            unsentDeadLetters.Dequeue();
        }
    }
}
