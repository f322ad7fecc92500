using Voting.Infrastructure.Kafka;

namespace Voting.Infrastructure.Tests;

/// <summary>
/// How the project creates its topics on a modern broker (the local Kafka 0.9 has no CreateTopics
/// API: its topics are made by the stack script, so only the specification is checked here).
/// </summary>
public sealed class KafkaTopicSpecificationTests
{
    [Theory]
    [InlineData(1, "1")]
    [InlineData(2, "2")]
    [InlineData(3, "2")]
    [InlineData(5, "4")]
    public void An_acknowledged_vote_is_on_all_replicas_but_one_and_a_lagging_replica_never_leads(short replicationFactor, string minInSync)
    {
        var options = new KafkaOptions { ReplicationFactor = replicationFactor, Partitions = 48, RetentionHours = 72 };
        var topic = KafkaTopicProvisioner.Specification(options, "votes");

        Assert.Equal(("votes", 48, replicationFactor), (topic.Name, topic.NumPartitions, topic.ReplicationFactor));
        Assert.Equal(minInSync, topic.Configs["min.insync.replicas"]);
        Assert.Equal("false", topic.Configs["unclean.leader.election.enable"]);
        Assert.Equal("259200000", topic.Configs["retention.ms"]);
        Assert.Equal("3600000", topic.Configs["segment.ms"]); // kept at most an hour past its retention, not a week
    }
}
