using Confluent.Kafka;
using Voting.Core.Ballots;

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
        NextOffsets = [.. messages
            .GroupBy(m => m.TopicPartition)
            .Select(partition => new TopicPartitionOffset(partition.Key, partition.Max(m => m.Offset.Value) + 1))];
    }

    /// <summary>Per partition, the offset after the batch's last message: what to commit once it is stored.</summary>
    public IReadOnlyList<TopicPartitionOffset> NextOffsets { get; }

    /// <summary>The votes decoded from the messages; null until <see cref="Decoded"/>.</summary>
    public IReadOnlyList<VoteMessage>? Votes { get; private set; }

    /// <summary>The messages, until they are decoded.</summary>
    public IReadOnlyList<ConsumeResult<byte[], byte[]>> Messages =>
        messages ?? throw new InvalidOperationException("the batch's messages were let go once decoded");

    /// <summary>Keeps <paramref name="votes"/> and lets the messages go.</summary>
    public void Decoded(IReadOnlyList<VoteMessage> votes)
    {
        Votes = votes;
        messages?.Clear();
        messages = null;
    }
}
