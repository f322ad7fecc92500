using System.Net;
using StackExchange.Redis;
using Voting.Core.Identity;
using Voting.TestSupport;

namespace Voting.Ingest.Tests;

/// <summary>
/// The filter update after Kafka acknowledged a vote fails (here: Redis refuses the command it uses,
/// through an ACL user ingest connects as, while admitting voters works). The vote is accepted; its
/// voter must stay locked — a second ballot meanwhile would be answered 202 and never count — until
/// the update gets through in the background, and then be refused as having voted.
/// </summary>
public sealed class FilterUpdateFailureTests : IAsyncLifetime
{
    private readonly string user = LocalStack.UniqueName("ingest-nocommit");
    private readonly string password = Guid.NewGuid().ToString("N");
    private ConnectionMultiplexer admin = null!;

    public async Task InitializeAsync()
    {
        var redis = LocalStack.Redis();
        admin = await ConnectionMultiplexer.ConnectAsync(redis.Configuration);
        // Everything but BITFIELD, which only the filter update (commit) uses; admission reads with GETBIT.
        await admin.GetDatabase().ExecuteAsync("ACL", "SETUSER", user, "on", ">" + password, "~*", "&*", "+@all", "-bitfield");
    }

    public async Task DisposeAsync()
    {
        await admin.GetDatabase().ExecuteAsync("ACL", "DELUSER", user);
        await admin.DisposeAsync();
    }

    [Fact]
    public async Task A_voter_whose_filter_update_failed_stays_locked_until_it_gets_through_and_then_has_voted()
    {
        await using var factory = new IngestFactory();
        factory.Settings["Voting:Redis:Configuration"] = $"{LocalStack.Redis().Configuration.Split(',')[0]},user={user},password={password}";
        factory.Settings["Voting:BloomFilter:Backend"] = "bitmap"; // RedisBloom's BF.ADD would be another command
        using var client = factory.CreateClient();
        var voterId = "voter-" + Guid.NewGuid().ToString("N");

        using var first = await VoteApiTests.PostAsync(client, factory.TokenFor(voterId), """{"candidate":"harper"}""");
        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);

        // The update failed: the same voter, another ballot, while it is retried.
        using var second = await VoteApiTests.PostAsync(client, factory.TokenFor(voterId), """{"candidate":"morgan"}""");
        await VoteApiTests.AssertProblemAsync(second, HttpStatusCode.Conflict, "vote-in-progress");

        // Redis takes the update again: the background retry gets through, and the voter has voted.
        await admin.GetDatabase().ExecuteAsync("ACL", "SETUSER", user, "+bitfield");
        HttpStatusCode status = default;
        var body = "";
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!(status == HttpStatusCode.Conflict && body.Contains("already-voted", StringComparison.Ordinal)))
        {
            Assert.True(DateTime.UtcNow < deadline, $"the voter not refused as having voted within 60 s; last answer {(int)status} {body}");
            await Task.Delay(200);
            using var again = await VoteApiTests.PostAsync(client, factory.TokenFor(voterId), """{"candidate":"morgan"}""");
            (status, body) = (again.StatusCode, await again.Content.ReadAsStringAsync());
            Assert.NotEqual(HttpStatusCode.Accepted, status); // never a second ballot
        }

        var pseudonym = VoterPseudonym.Compute(IngestFactory.PseudonymSecret, factory.ElectionId, voterId);
        Assert.Single(TopicReader.ReadAll(factory.Kafka, factory.VotesTopic), m => m.Message.Key.AsSpan().SequenceEqual(pseudonym));
    }

    [Fact]
    public async Task The_voter_stays_locked_past_the_lock_s_own_lifetime_while_the_update_is_retried()
    {
        await using var factory = new IngestFactory();
        factory.Settings["Voting:Redis:Configuration"] = $"{LocalStack.Redis().Configuration.Split(',')[0]},user={user},password={password}";
        factory.Settings["Voting:BloomFilter:Backend"] = "bitmap";
        factory.Settings["Voting:Ingest:VoterLockMilliseconds"] = "2000";
        factory.Settings["Voting:Ingest:KafkaAckTimeoutMilliseconds"] = "1000";
        using var client = factory.CreateClient();
        var voterId = "voter-" + Guid.NewGuid().ToString("N");

        using var first = await VoteApiTests.PostAsync(client, factory.TokenFor(voterId), """{"candidate":"harper"}""");
        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);

        // Redis keeps refusing the update for longer than a lock lives: the lock is renewed meanwhile,
        // so another ballot is still refused, not accepted with a receipt that would never count.
        for (var round = 0; round < 3; round++)
        {
            await Task.Delay(1_500);
            using var again = await VoteApiTests.PostAsync(client, factory.TokenFor(voterId), """{"candidate":"morgan"}""");
            await VoteApiTests.AssertProblemAsync(again, HttpStatusCode.Conflict, "vote-in-progress");
        }

        var pseudonym = VoterPseudonym.Compute(IngestFactory.PseudonymSecret, factory.ElectionId, voterId);
        Assert.Single(TopicReader.ReadAll(factory.Kafka, factory.VotesTopic), m => m.Message.Key.AsSpan().SequenceEqual(pseudonym));
    }
}
