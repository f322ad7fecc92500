using Voting.Infrastructure.Kafka;

namespace Voting.Infrastructure.Tests;

/// <summary>The stuck-consumer detector, fed statistics shaped as librdkafka 2.x writes them.</summary>
public sealed class ConsumerGroupMembershipTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 3, 20, 0, 0, TimeSpan.Zero);

    private static string Statistics(string state, string joinState) =>
        $$$"""{"name":"rdkafka#consumer-1","type":"consumer","ts":1,"cgrp":{"state":"{{{state}}}","stateage":3000,"join_state":"{{{joinState}}}","rebalance_age":2000,"rebalance_cnt":1,"assignment_size":4}}""";

    [Fact]
    public void A_consumer_being_built_is_out_of_its_group_until_statistics_say_it_is_steady()
    {
        var membership = new ConsumerGroupMembership(Start);
        Assert.Equal(TimeSpan.FromSeconds(20), membership.OutOfGroupFor(Start.AddSeconds(20)));
        Assert.False(membership.WasSteady);

        membership.Observe(Statistics("up", "steady"), Start.AddSeconds(25));

        Assert.Equal(TimeSpan.Zero, membership.OutOfGroupFor(Start.AddSeconds(300)));
        Assert.Equal("up/steady", membership.State);
        Assert.True(membership.WasSteady);
    }

    [Theory]
    [InlineData("query-coord", "steady")] // coordinator lost: heartbeats go nowhere
    [InlineData("wait-coord", "init")]
    [InlineData("up", "wait-join")] // rejoining after a session timeout
    [InlineData("up", "wait-unassign-to-complete")]
    public void A_member_that_leaves_the_steady_state_is_timed_from_the_first_statistics_that_show_it(string state, string joinState)
    {
        var membership = new ConsumerGroupMembership(Start);
        membership.Observe(Statistics("up", "steady"), Start);

        membership.Observe(Statistics(state, joinState), Start.AddSeconds(10));
        membership.Observe(Statistics(state, joinState), Start.AddSeconds(70));

        Assert.Equal(TimeSpan.FromSeconds(80), membership.OutOfGroupFor(Start.AddSeconds(90)));
        Assert.Equal(state + "/" + joinState, membership.State);
    }

    [Fact]
    public void Statistics_without_a_group_or_unreadable_change_nothing()
    {
        var membership = new ConsumerGroupMembership(Start);
        membership.Observe(Statistics("wait-coord", "init"), Start);

        membership.Observe("""{"name":"rdkafka#producer-1","type":"producer"}""", Start.AddSeconds(5));
        membership.Observe("{not json", Start.AddSeconds(6));

        Assert.Equal(TimeSpan.FromSeconds(30), membership.OutOfGroupFor(Start.AddSeconds(30)));
        Assert.Equal("wait-coord/init", membership.State);
    }
}
