using System.Net;
using StackExchange.Redis;
using Voting.TestSupport;

namespace Voting.Ingest.Tests;

public sealed class BloomFalsePositiveTests
{
    [Fact]
    public async Task A_maybe_from_the_filter_is_confirmed_against_the_exact_records_before_anyone_is_refused()
    {
        using var factory = new IngestFactory();
        // One shard of 64 bits, one hash: then saturate it so the filter says "maybe" to everyone.
        factory.Settings["Voting:BloomFilter:ExpectedVoters"] = "1";
        factory.Settings["Voting:BloomFilter:FalsePositiveRate"] = "0.5";
        factory.Settings["Voting:BloomFilter:Shards"] = "1";
        factory.Settings["Voting:BloomFilter:Backend"] = "bitmap";
        using var redis = await ConnectionMultiplexer.ConnectAsync(LocalStack.Redis().Configuration);
        var key = $"{factory.KeyPrefix}bloom:{factory.ElectionId}:{{0}}";
        await redis.GetDatabase().StringSetAsync(key, new byte[] { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff });

        using var client = factory.CreateClient();
        await ServiceReadiness.WaitUntilReadyAsync(client, TimeSpan.FromSeconds(90)); // the exact check needs the schema
        // Until the election's filter is built (first start) every voter is checked exactly anyway; this is about the built filter.
        var state = $"{factory.KeyPrefix}filter-state:{factory.ElectionId}:{{0}}";
        for (var wait = 0; await redis.GetDatabase().StringGetAsync(state) != "ready"; wait++)
        {
            Assert.True(wait < 600, "the election's filter not built within 60 s");
            await Task.Delay(100);
        }

        using var first = await VoteApiTests.PostAsync(client, factory.TokenFor("fresh-voter"), """{"candidate":"harper"}""");
        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);

        using var again = await VoteApiTests.PostAsync(client, factory.TokenFor("fresh-voter"), """{"candidate":"harper"}""");
        await VoteApiTests.AssertProblemAsync(again, HttpStatusCode.Conflict, "already-voted");

        var metrics = await client.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        Assert.Matches(@"voting_ingest_bloom_false_positives_total(\{[^}]*\})? 1\b", metrics);
    }
}
