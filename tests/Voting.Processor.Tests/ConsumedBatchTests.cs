using Confluent.Kafka;
using Voting.Infrastructure.Kafka;
using Voting.Processor.Consuming;

namespace Voting.Processor.Tests;

public sealed class ConsumedBatchTests
{
    private static DeadLetter Letter(long offset) => new("votes", 0, offset, "candidate missing or longer than 64", [1], [2], DateTimeOffset.UnixEpoch);

    [Fact]
    public async Task A_retry_after_a_dead_letter_failed_part_way_sends_only_the_letters_not_yet_acknowledged()
    {
        var batch = new ConsumedBatch([new ConsumeResult<byte[], byte[]> { TopicPartitionOffset = new("votes", 0, 9), Message = new() { Key = [1], Value = [2] } }]);
        batch.Decoded([], [Letter(3), Letter(5), Letter(9)]);
        var sent = new List<long>();

        // The broker takes the first, then is gone.
        await Assert.ThrowsAsync<VoteNotDurableException>(() => batch.SendDeadLettersAsync(letter =>
        {
            if (sent.Count == 1)
            {
                throw new VoteNotDurableException("Dead letter not acknowledged: NotPersisted");
            }

            sent.Add(letter.OriginalOffset);
            return Task.CompletedTask;
        }));
        Assert.Equal(2, batch.UnsentDeadLetters);

        await batch.SendDeadLettersAsync(letter =>
        {
            sent.Add(letter.OriginalOffset);
            return Task.CompletedTask;
        });

        Assert.Equal([3L, 5L, 9L], sent);
        Assert.Equal(0, batch.UnsentDeadLetters);
    }
}
