using Confluent.Kafka;
using Microsoft.Extensions.Options;
using Voting.Console.Blazor.Pipeline;
using Voting.Infrastructure.Kafka;
using Voting.TestSupport;

namespace Voting.Console.Blazor.Tests.Sources;

/// <summary>Lag and dead-letter counts read from the real Kafka broker.</summary>
public sealed class PipelineSourceTests
{
    [Fact]
    public async Task Lag_per_partition_is_the_topic_end_minus_the_processor_groups_committed_offset()
    {
        var kafka = LocalStack.Kafka(LocalStack.UniqueName("itc_votes"));
        kafka.ProcessorGroup = kafka.VotesTopic + "-group";
        using (var producer = new ProducerBuilder<byte[], byte[]>(KafkaClientConfigs.Producer(kafka)).Build())
        {
            for (var i = 0; i < 40; i++)
            {
                await producer.ProduceAsync(kafka.VotesTopic, new Message<byte[], byte[]> { Key = BitConverter.GetBytes(i * 7919), Value = [1, 2, 3] });
            }

            for (var i = 0; i < 3; i++)
            {
                await producer.ProduceAsync(kafka.DeadLetterTopic, new Message<byte[], byte[]> { Key = [], Value = [9] });
            }
        }

        // The processor group has committed the first partition fully and half of the second; nothing elsewhere.
        using var positions = new KafkaPositions(kafka);
        var partitions = positions.Partitions(kafka.VotesTopic);
        var ends = partitions.ToDictionary(p => p.Partition.Value, p => positions.Watermarks(p).High.Value);
        using (var committer = new ConsumerBuilder<byte[], byte[]>(KafkaClientConfigs.Consumer(kafka, kafka.ProcessorGroup)).Build())
        {
            committer.Commit([new TopicPartitionOffset(partitions[0], ends[0]), new TopicPartitionOffset(partitions[1], ends[1] / 2)]);
        }

        var source = new PipelineSource(positions, Options.Create(new ConsoleOptions { LagWarning = 3, LagCritical = 8 }));
        var snapshot = await source.ReadAsync(CancellationToken.None);

        var lags = snapshot.Lags.Where(l => l.Group == kafka.ProcessorGroup).ToDictionary(l => l.Partition);
        Assert.Equal(partitions.Count, lags.Count);
        Assert.Equal(40, ends.Values.Sum());
        Assert.Equal(0, lags[0].Lag);
        Assert.Equal(ends[0], lags[0].Committed);
        Assert.Equal(ends[1] - (ends[1] / 2), lags[1].Lag);
        foreach (var partition in ends.Keys.Where(p => p > 1))
        {
            Assert.Null(lags[partition].Committed);
            Assert.Equal(ends[partition], lags[partition].Lag);
        }

        Assert.All(lags.Values, l => Assert.Equal(snapshot.Thresholds.Classify(l.Lag), l.Level));
        Assert.Equal(LagThresholds.Worst(lags.Values.Select(l => l.Level)), snapshot.Alert);
        Assert.Equal(40 - ends[0] - (ends[1] / 2), snapshot.Groups.Single(g => g.Group == kafka.ProcessorGroup).Lag);
        Assert.Equal(3, snapshot.DeadLetters);
    }

    [Fact]
    public async Task A_topic_the_broker_cannot_state_is_an_error_never_no_lag_or_no_dead_letters()
    {
        // Never created (or misnamed): the board must turn stale, not show an idle, healthy pipeline.
        var kafka = LocalStack.Kafka(LocalStack.UniqueName("itc_missing"));
        using var positions = new KafkaPositions(kafka);
        var source = new PipelineSource(positions, Options.Create(new ConsoleOptions()));

        await Assert.ThrowsAsync<KafkaException>(() => source.ReadAsync(CancellationToken.None));
    }
}
