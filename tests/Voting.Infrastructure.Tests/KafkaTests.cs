using Confluent.Kafka;
using Voting.Infrastructure.Kafka;
using Voting.TestSupport;

namespace Voting.Infrastructure.Tests;

public sealed class KafkaTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Keyed_messages_produced_with_acks_all_are_consumed_by_a_group_and_committed_offsets_are_honoured()
    {
        var options = LocalStack.Kafka(LocalStack.UniqueName("it_votes"));
        var group = LocalStack.UniqueName("it_group");

        await ProduceAsync(options, Enumerable.Range(0, 1000).Select(i => $"vote-{i}"));

        var first = ConsumeAndCommit(options, group, expected: 1000);
        Assert.Equal(Enumerable.Range(0, 1000).Select(i => $"vote-{i}").Order(StringComparer.Ordinal), first.Order(StringComparer.Ordinal));

        // A new member of the same group starts where the first committed: it sees only the new messages.
        await ProduceAsync(options, Enumerable.Range(1000, 10).Select(i => $"vote-{i}"));
        var second = ConsumeAndCommit(options, group, expected: 10);
        Assert.Equal(Enumerable.Range(1000, 10).Select(i => $"vote-{i}").Order(StringComparer.Ordinal), second.Order(StringComparer.Ordinal));

        // Lag per partition = high watermark - committed offset = 0 everywhere.
        using var consumer = new ConsumerBuilder<string, string>(KafkaClientConfigs.Consumer(options, group)).Build();
        var partitions = Metadata(options).Partitions.Select(p => new TopicPartition(options.VotesTopic, p.PartitionId)).ToList();
        var committed = consumer.Committed(partitions, TimeSpan.FromSeconds(10));
        var lag = committed.Sum(c => consumer.QueryWatermarkOffsets(c.TopicPartition, TimeSpan.FromSeconds(10)).High.Value - c.Offset.Value);
        Assert.Equal(0, lag);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Every_producer_waits_for_all_in_sync_replicas_whatever_the_broker(bool legacyBroker)
    {
        var options = LocalStack.Kafka(LocalStack.UniqueName("it_votes"));
        options.LegacyBroker09 = legacyBroker;

        // A vote is acknowledged to the voter only once the broker has it on every in-sync replica: a
        // leader alone could lose it with its disk.
        Assert.Equal(Acks.All, KafkaClientConfigs.Producer(options).Acks);
    }

    [Fact]
    public async Task Messages_read_but_not_committed_are_delivered_again_to_the_group()
    {
        var options = LocalStack.Kafka(LocalStack.UniqueName("it_votes"));
        var group = LocalStack.UniqueName("it_group");
        await ProduceAsync(options, Enumerable.Range(0, 50).Select(i => $"m-{i}"));

        using (var crashing = Subscribe(options, group))
        {
            Assert.Equal(50, ReadAll(crashing, 50).Count);
            crashing.Close(); // leaves without committing, as a crashed processor would
        }

        Assert.Equal(50, ConsumeAndCommit(options, group, expected: 50).Count);
    }

    [Fact]
    public async Task The_ends_of_a_topic_are_stated_for_every_partition_and_a_topic_without_an_answer_is_an_error_not_an_empty_topic()
    {
        var options = LocalStack.Kafka(LocalStack.UniqueName("it_votes"));
        await ProduceAsync(options, Enumerable.Range(0, 50).Select(i => $"vote-{i}"));
        using var positions = new KafkaPositions(options);

        var ends = positions.Ends(options.VotesTopic);
        Assert.Equal(Metadata(options).Partitions.Count, ends.Count);
        Assert.Equal(50, ends.Values.Sum());

        // A topic nobody created: the broker has no ends to state (on a broker that creates topics on
        // demand, the first answer is "no leader yet"). That is no evidence that nothing was produced.
        Assert.Throws<KafkaException>(() => positions.Ends(LocalStack.UniqueName("it_nothing")));
    }

    [Fact]
    public void Topics_created_by_the_stack_exist_with_partitions()
    {
        var options = LocalStack.Kafka();
        Assert.True(Metadata(options).Partitions.Count >= 1, $"topic {options.VotesTopic} has no partitions");
        using var admin = new AdminClientBuilder(KafkaClientConfigs.Admin(options)).Build();
        var dlq = admin.GetMetadata(options.DeadLetterTopic, TimeSpan.FromSeconds(10)).Topics.Single();
        Assert.Equal(ErrorCode.NoError, dlq.Error.Code);
    }

    private static async Task ProduceAsync(KafkaOptions options, IEnumerable<string> values)
    {
        var config = KafkaClientConfigs.Producer(options);
        config.MessageTimeoutMs = 30_000; // the first write to a new topic waits for 0.9 to elect its leaders
        using var producer = new ProducerBuilder<string, string>(config).Build();
        var deliveries = values.Select(v => producer.ProduceAsync(options.VotesTopic, new Message<string, string> { Key = "k" + v, Value = v }));
        var results = await Task.WhenAll(deliveries);
        Assert.All(results, r => Assert.Equal(PersistenceStatus.Persisted, r.Status));
    }

    private static List<string> ConsumeAndCommit(KafkaOptions options, string group, int expected)
    {
        using var consumer = Subscribe(options, group);
        var received = ReadAll(consumer, expected, out var last);
        consumer.Commit(last.Values.Select(r => new TopicPartitionOffset(r.TopicPartition, r.Offset + 1)));
        consumer.Close();
        return received;
    }

    private static IConsumer<string, string> Subscribe(KafkaOptions options, string group)
    {
        var consumer = new ConsumerBuilder<string, string>(KafkaClientConfigs.Consumer(options, group)).Build();
        consumer.Subscribe(options.VotesTopic);
        return consumer;
    }

    private static List<string> ReadAll(IConsumer<string, string> consumer, int expected) => ReadAll(consumer, expected, out _);

    private static List<string> ReadAll(IConsumer<string, string> consumer, int expected, out Dictionary<TopicPartition, ConsumeResult<string, string>> lastPerPartition)
    {
        var received = new List<string>();
        lastPerPartition = [];
        var deadline = DateTime.UtcNow + Patience;
        while (received.Count < expected && DateTime.UtcNow < deadline)
        {
            var result = consumer.Consume(TimeSpan.FromMilliseconds(500));
            if (result is null || result.IsPartitionEOF)
            {
                continue;
            }

            Assert.Equal("k" + result.Message.Value, result.Message.Key);
            received.Add(result.Message.Value);
            lastPerPartition[result.TopicPartition] = result;
        }

        Assert.True(received.Count == expected, $"received {received.Count} of {expected} messages within {Patience.TotalSeconds} s");
        return received;
    }

    private static TopicMetadata Metadata(KafkaOptions options)
    {
        using var admin = new AdminClientBuilder(KafkaClientConfigs.Admin(options)).Build();
        var topic = admin.GetMetadata(options.VotesTopic, TimeSpan.FromSeconds(10)).Topics.Single();
        Assert.Equal(ErrorCode.NoError, topic.Error.Code);
        return topic;
    }
}
