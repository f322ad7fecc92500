using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;
using Voting.Infrastructure.Redis;
using Voting.ServiceDefaults;
using Voting.TestSupport;

namespace Voting.Ingest.Tests;

/// <summary>
/// When Kafka or Redis can't be reached the answer is 503, never 202, and nothing is left behind.
/// The dependency is made unreachable by pointing this instance at a closed port, so the shared
/// servers keep serving the other tests (issue 9's fault suite restarts the real servers).
/// </summary>
public sealed class UnavailableDependencyTests
{
    [Fact]
    public async Task Kafka_unreachable_gives_503_and_leaves_no_lock_marker_or_filter_bit()
    {
        var factory = new IngestFactory();
        factory.Settings["Voting:Kafka:BootstrapServers"] = "127.0.0.1:1";
        factory.Settings["Voting:Ingest:KafkaAckTimeoutMilliseconds"] = "1500";

        var client = factory.CreateClient();

        // The filter says ready (as it would be on a running system that lost Kafka), so the vote gets
        // past the gate and reaches the producer: a fresh filter would wait for Kafka to rebuild it and
        // refuse the vote before ever producing it.
        await factory.Services.GetRequiredService<VoterGate>().SetFilterStateAsync(factory.ElectionId, VoterFilterState.Ready);
        using var response = await VoteApiTests.PostAsync(client, factory.TokenFor("voter-k"), """{"candidate":"harper"}""");

        await VoteApiTests.AssertProblemAsync(response, HttpStatusCode.ServiceUnavailable, "vote-not-recorded");
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("kafka is unavailable", problem.GetProperty("detail").GetString());

        // Sent again at once, as a client told 503 may: the first attempt's lock is gone by the time it
        // was answered, so each is tried afresh (503 again), never refused as a vote in progress.
        for (var again = 0; again < 3; again++)
        {
            using var resent = await VoteApiTests.PostAsync(client, factory.TokenFor("voter-k"), """{"candidate":"harper"}""");
            await VoteApiTests.AssertProblemAsync(resent, HttpStatusCode.ServiceUnavailable, "vote-not-recorded");
        }
        using var redis = await ConnectionMultiplexer.ConnectAsync(LocalStack.Redis().Configuration);
        // Only the election's filter bookkeeping (its state, the rebuild lease) may exist: no lock, no
        // accepted-marker, and the filter itself holds no bit (it would refuse the voter's next attempt).
        Assert.DoesNotContain(await RedisKeys.ListAsync(redis, factory.KeyPrefix), k => !((string)k!).StartsWith(factory.KeyPrefix + "filter-", StringComparison.Ordinal));

        // Not ready while Kafka can't be reached: the load balancer sends voters to other instances.
        await AssertNotReadyAsync(client, "kafka");

        // The same voter can vote once Kafka is back: nothing of the failed attempt blocks them.
        await factory.DisposeAsync(); // the instance that could not reach Kafka is gone (it also held the filter rebuild, unable to finish it)
        using var recovered = new IngestFactory();
        foreach (var (key, value) in factory.Settings.Where(s => s.Key.StartsWith("Voting:Elections", StringComparison.Ordinal)
                                                                 || s.Key == "Voting:Redis:KeyPrefix"))
        {
            recovered.Settings[key] = value;
        }

        using var retry = await VoteApiTests.PostAsync(recovered.CreateClient(), recovered.Tokens.Issue("voter-k", "PA", factory.ElectionId), """{"candidate":"harper"}""");
        Assert.Equal(HttpStatusCode.Accepted, retry.StatusCode);
    }

    [Fact]
    public async Task Redis_unreachable_gives_503_and_nothing_is_produced()
    {
        using var factory = new IngestFactory();
        factory.Settings["Voting:Redis:Configuration"] = "127.0.0.1:1,abortConnect=false,connectTimeout=300,syncTimeout=500,asyncTimeout=500";

        using var response = await VoteApiTests.PostAsync(factory.CreateClient(), factory.TokenFor("voter-r"), """{"candidate":"harper"}""");

        await VoteApiTests.AssertProblemAsync(response, HttpStatusCode.ServiceUnavailable, "vote-not-recorded");
        Assert.Empty(TopicReader.ReadAll(factory.Kafka, factory.VotesTopic));
        await AssertNotReadyAsync(factory.CreateClient(), "redis");
    }

    /// <summary>/health/ready answers 503 with <paramref name="check"/> unhealthy.</summary>
    private static async Task AssertNotReadyAsync(HttpClient client, string check)
    {
        using var ready = await client.GetAsync(new Uri("/health/ready", UriKind.Relative));
        var report = await ready.Content.ReadFromJsonAsync<HealthReportDto>();
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Equal("Unhealthy", report!.Status);
        Assert.Equal("Unhealthy", report.Checks[check].Status);
    }

    [Fact]
    public async Task While_Kafka_does_not_answer_an_attempt_beyond_the_queue_s_bound_is_answered_503_at_once()
    {
        await using var factory = new IngestFactory();
        factory.Settings["Voting:Kafka:BootstrapServers"] = "127.0.0.1:1";
        factory.Settings["Voting:Ingest:VoterLockMilliseconds"] = "20000";
        factory.Settings["Voting:Ingest:KafkaAckTimeoutMilliseconds"] = "8000";
        factory.Settings["Voting:Ingest:BatchesInFlight"] = "1";
        factory.Settings["Voting:Ingest:BatchSize"] = "1";
        factory.Settings["Voting:Ingest:MaxQueuedVotes"] = "1";
        var client = factory.CreateClient();
        await factory.Services.GetRequiredService<VoterGate>().SetFilterStateAsync(factory.ElectionId, VoterFilterState.Ready);

        // The one batch waits for Kafka (8 s), one attempt waits for the batch: the queue is full.
        var casting = VoteApiTests.PostAsync(client, factory.TokenFor("slow-kafka-voter-1"), """{"candidate":"harper"}""");
        await Task.Delay(1_500);
        var queued = VoteApiTests.PostAsync(client, factory.TokenFor("slow-kafka-voter-2"), """{"candidate":"harper"}""");
        await Task.Delay(1_500);

        // The next is not held for those seconds (minutes, with a real crowd): answered now, nothing stored.
        using (var refused = await VoteApiTests.PostAsync(client, factory.TokenFor("slow-kafka-voter-3"), """{"candidate":"harper"}"""))
        {
            await VoteApiTests.AssertProblemAsync(refused, HttpStatusCode.ServiceUnavailable, "vote-not-recorded");
            Assert.Equal(
                "this instance has 1 votes waiting to be recorded; try again shortly",
                JsonDocument.Parse(await refused.Content.ReadAsStringAsync()).RootElement.GetProperty("detail").GetString());
            Assert.False(casting.IsCompleted || queued.IsCompleted, "the attempts ahead of it were answered first");
        }

        foreach (var ahead in new[] { casting, queued })
        {
            using var answer = await ahead;
            await VoteApiTests.AssertProblemAsync(answer, HttpStatusCode.ServiceUnavailable, "vote-not-recorded");
        }
    }
}
