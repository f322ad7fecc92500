using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using MySqlConnector;
using StackExchange.Redis;
using Voting.Core.Ballots;
using Voting.Core.Dedup;
using Voting.Core.Identity;
using Voting.Core.Sharding;
using Voting.Infrastructure.MySql;
using Voting.Infrastructure.Redis;
using Voting.ServiceDefaults;
using Voting.TestSupport;

namespace Voting.Ingest.Tests;

[Collection(ServerFaultCollection.Name)]
public sealed class BloomFalsePositiveTests
{
    [Fact]
    public async Task A_maybe_from_the_filter_is_confirmed_against_the_exact_records_before_anyone_is_refused()
    {
        using var factory = new IngestFactory();
        using var client = await StartWithSaturatedFilterAsync(factory);

        using var first = await VoteApiTests.PostAsync(client, factory.TokenFor("fresh-voter"), """{"candidate":"harper"}""");
        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);

        using var again = await VoteApiTests.PostAsync(client, factory.TokenFor("fresh-voter"), """{"candidate":"harper"}""");
        await VoteApiTests.AssertProblemAsync(again, HttpStatusCode.Conflict, "already-voted");

        var metrics = await client.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        Assert.Matches(@"voting_ingest_bloom_false_positives_total(\{[^}]*\})? 1\b", metrics);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_voter_recorded_in_another_state_is_refused_whatever_state_the_new_token_names(bool filterBeingRebuilt)
    {
        using var factory = new IngestFactory();
        using var client = await StartWithSaturatedFilterAsync(factory);
        using var redis = await ConnectionMultiplexer.ConnectAsync(LocalStack.Redis().Configuration);
        // Held by "another instance" for the test's length: the rebuild it stands for never finishes.
        await using var rebuilding = filterBeingRebuilt
            ? await RedisLease.TryAcquireAsync(redis.GetDatabase(), $"{factory.KeyPrefix}filter-rebuild:{factory.ElectionId}", TimeSpan.FromMinutes(1), TimeProvider.System)
            : null;
        if (filterBeingRebuilt)
        {
            // After Redis lost its data the filter is refilled from the records while every voter is
            // checked against them: no "maybe" from the filter, the exact check alone decides.
            Assert.NotNull(rebuilding);
            await factory.Services.GetRequiredService<VoterGate>().SetFilterStateAsync(factory.ElectionId, VoterFilterState.Exact);
        }

        // Voted in Ohio (the row in Ohio's shard database), and the Redis marker of that vote is gone
        // (expired a day later): the filter says "maybe", the exact check decides.
        var pseudonym = VoterPseudonym.Compute(IngestFactory.PseudonymSecret, factory.ElectionId, "registered-twice");
        var ballot = Ballot.New(factory.ElectionId, "OH", "harper");
        await ProcessorWrites.RecordAsync(
            new MySqlShardConnections(LocalStack.MySql()),
            [new VoteMessage(1, factory.ElectionId, pseudonym, "OH", "harper", ballot.BallotId, BallotHash.Compute(ballot), DateTimeOffset.UtcNow.ToUnixTimeMilliseconds())]);
        Assert.NotEqual(ShardRouter.DatabaseFor("OH"), ShardRouter.DatabaseFor("PA"));

        // The authority also issued the voter a token for Pennsylvania.
        using var again = await VoteApiTests.PostAsync(client, factory.TokenFor("registered-twice", state: "PA"), """{"candidate":"morgan"}""");
        await VoteApiTests.AssertProblemAsync(again, HttpStatusCode.Conflict, "already-voted");
        Assert.Equal(filterBeingRebuilt ? VoterFilterState.Exact : VoterFilterState.Ready, await factory.Services.GetRequiredService<VoterGate>().FilterStateAsync(factory.ElectionId));
        Assert.Empty(TopicReader.ReadAll(factory.Kafka, factory.VotesTopic));
    }

    [Fact]
    [Trait("Category", StackControl.FaultCategory)]
    public async Task A_maybe_that_cannot_be_confirmed_because_the_database_is_down_is_refused_with_503_and_leaves_nothing_behind()
    {
        using var factory = new IngestFactory();
        using var client = await StartWithSaturatedFilterAsync(factory);
        using var refused = new MetricCollector<long>(factory.Services.GetRequiredService<IMeterFactory>(), ServiceDefaultsExtensions.MeterName, "voting.ingest.refused");
        var voters = Enumerable.Range(0, 6).Select(i => "unconfirmed-voter-" + i).ToList();

        await StackControl.StopAsync("mariadb");
        try
        {
            var answers = await Task.WhenAll(voters.Select(v => VoteApiTests.PostAsync(client, factory.TokenFor(v), """{"candidate":"harper"}""")));
            foreach (var answer in answers)
            {
                await VoteApiTests.AssertProblemAsync(answer, HttpStatusCode.ServiceUnavailable, "vote-not-recorded");
                answer.Dispose();
            }

            // Still ready (degraded): voters the filter clears can vote, so the pod stays in the load balancer.
            using var ready = await client.GetAsync(new Uri("/health/ready", UriKind.Relative));
            var report = await ready.Content.ReadFromJsonAsync<HealthReportDto>();
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
            Assert.Equal("Degraded", report!.Status);
            Assert.Equal("Degraded", report.Checks["mysql"].Status);
        }
        finally
        {
            await StackControl.StartAsync("mariadb");
        }

        Assert.Empty(TopicReader.ReadAll(factory.Kafka, factory.VotesTopic));
        Assert.Equal(voters.Count, refused.GetMeasurementSnapshot().Where(m => Equals(m.Tags["reason"], "mysql_unavailable")).Sum(m => m.Value));

        // Nothing was held or marked: each voter votes once the database is back.
        foreach (var voter in voters)
        {
            using var retry = await VoteApiTests.PostAsync(client, factory.TokenFor(voter), """{"candidate":"harper"}""");
            Assert.Equal(HttpStatusCode.Accepted, retry.StatusCode);
        }
    }

    [Fact]
    public async Task A_database_that_stops_answering_costs_the_voters_it_must_check_a_503_before_their_lock_lapses()
    {
        // MariaDB behind a proxy that can hang: connections stay open, nothing comes back.
        var mysql = new MySqlConnectionStringBuilder(LocalStack.MySql().ConnectionString);
        await using var proxy = new FreezableTcpProxy((int)mysql.Port);
        mysql.Port = (uint)proxy.Port;
        using var factory = new IngestFactory();
        factory.Settings["Voting:MySql:ConnectionString"] = mysql.ConnectionString;
        using var client = await StartWithSaturatedFilterAsync(factory);

        // Answered within the voter's lock (10 s; the check is given half of it), not when the driver
        // gives up on the hung connection (15 s and more).
        proxy.Freeze();
        using (var hung = await VoteApiTests.PostAsync(client, factory.TokenFor("hung-database-voter"), """{"candidate":"harper"}""").WaitAsync(TimeSpan.FromSeconds(10)))
        {
            await VoteApiTests.AssertProblemAsync(hung, HttpStatusCode.ServiceUnavailable, "vote-not-recorded");
        }

        Assert.Empty(TopicReader.ReadAll(factory.Kafka, factory.VotesTopic));

        // Answering again: the same voter votes, nothing was held or marked.
        proxy.Thaw();
        using var retry = await VoteApiTests.PostAsync(client, factory.TokenFor("hung-database-voter"), """{"candidate":"harper"}""");
        Assert.Equal(HttpStatusCode.Accepted, retry.StatusCode);
    }

    /// <summary>
    /// Starts ingest with its election's filter one shard of 64 bits and one hash, saturated, so the
    /// filter says "maybe" to everyone and every voter goes to the exact check.
    /// </summary>
    private static async Task<HttpClient> StartWithSaturatedFilterAsync(IngestFactory factory)
    {
        factory.Settings["Voting:BloomFilter:ExpectedVoters"] = "1";
        factory.Settings["Voting:BloomFilter:FalsePositiveRate"] = "0.5";
        factory.Settings["Voting:BloomFilter:Shards"] = "1";
        factory.Settings["Voting:BloomFilter:Backend"] = "bitmap";
        using var redis = await ConnectionMultiplexer.ConnectAsync(LocalStack.Redis().Configuration);
        var shape = BloomFilterShape.For(1, 0.5, 1);
        var key = VoterFilterKeys.Filter(factory.KeyPrefix, factory.ElectionId, shape, 0, module: false);
        await redis.GetDatabase().StringSetAsync(key, new byte[] { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff });

        var client = factory.CreateClient();
        await ServiceReadiness.WaitUntilReadyAsync(client, TimeSpan.FromSeconds(90)); // the exact check needs the schema
        // Until the election's filter is built (first start) every voter is checked exactly anyway; this is about the built filter.
        var state = VoterFilterKeys.State(factory.KeyPrefix, factory.ElectionId, shape, 0, module: false);
        for (var wait = 0; await redis.GetDatabase().StringGetAsync(state) != "ready"; wait++)
        {
            Assert.True(wait < 600, "the election's filter not built within 60 s");
            await Task.Delay(100);
        }

        return client;
    }
}
