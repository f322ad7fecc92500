using System.Net;
using Voting.Core.Identity;
using Voting.TestSupport;

namespace Voting.Ingest.Tests;

public sealed class RateLimitTests
{
    [Fact]
    public async Task One_voter_hammering_gets_429_with_Retry_After_while_others_still_vote()
    {
        using var factory = new IngestFactory();
        factory.Settings["Voting:Ingest:PerVoterPermitsPerMinute"] = "3";
        using var client = factory.CreateClient();
        var token = factory.TokenFor("hammer");

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            using var attempt = await VoteApiTests.PostAsync(client, token, """{"candidate":"nobody"}""");
            statuses.Add(attempt.StatusCode);
            if (attempt.StatusCode == HttpStatusCode.TooManyRequests)
            {
                await VoteApiTests.AssertProblemAsync(attempt, HttpStatusCode.TooManyRequests, "rate-limited");
                Assert.True(int.Parse(attempt.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture) >= 1);
            }
        }

        Assert.Equal([HttpStatusCode.UnprocessableEntity, HttpStatusCode.UnprocessableEntity, HttpStatusCode.UnprocessableEntity, HttpStatusCode.TooManyRequests], statuses);
        using var other = await VoteApiTests.PostAsync(client, factory.TokenFor("someone-else"), """{"candidate":"harper"}""");
        Assert.Equal(HttpStatusCode.Accepted, other.StatusCode);
    }

    [Fact]
    public async Task The_voter_limit_holds_across_ingest_instances()
    {
        using var first = new IngestFactory();
        first.Settings["Voting:Ingest:PerVoterPermitsPerMinute"] = "3";
        using var second = new IngestFactory();
        foreach (var (key, value) in first.Settings)
        {
            second.Settings[key] = value; // same election, Redis and topic: a second instance behind the same load balancer
        }

        var token = first.TokenFor("roamer");
        using var one = first.CreateClient();
        using var two = second.CreateClient();
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            using var attempt = await VoteApiTests.PostAsync(i % 2 == 0 ? one : two, token, """{"candidate":"nobody"}""");
            statuses.Add(attempt.StatusCode);
        }

        Assert.Equal([HttpStatusCode.UnprocessableEntity, HttpStatusCode.UnprocessableEntity, HttpStatusCode.UnprocessableEntity, HttpStatusCode.TooManyRequests], statuses);

        // Having voted, a voter's repeats are counted the same way.
        var voter = first.TokenFor("voted-roamer");
        var answers = new List<HttpStatusCode>();
        for (var i = 0; i < 5; i++)
        {
            using var attempt = await VoteApiTests.PostAsync(i % 2 == 0 ? two : one, voter, """{"candidate":"harper"}""");
            answers.Add(attempt.StatusCode);
            if (attempt.StatusCode == HttpStatusCode.TooManyRequests)
            {
                await VoteApiTests.AssertProblemAsync(attempt, HttpStatusCode.TooManyRequests, "rate-limited");
                Assert.InRange(int.Parse(attempt.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture), 1, 60);
            }
        }

        Assert.Equal([HttpStatusCode.Accepted, HttpStatusCode.Conflict, HttpStatusCode.Conflict, HttpStatusCode.Conflict, HttpStatusCode.TooManyRequests], answers);
    }

    [Fact]
    public async Task One_client_address_flooding_gets_429_with_Retry_After()
    {
        using var factory = new IngestFactory();
        factory.Settings["Voting:Ingest:PerClientBurst"] = "5";
        factory.Settings["Voting:Ingest:PerClientPermitsPerSecond"] = "1";
        using var client = factory.CreateClient();

        // Valid ballots of new voters, sent at once: each either cast (202) or limited, and a limited one is not cast.
        var limited = new List<string>();
        var cast = new List<string>();
        var voters = Enumerable.Range(0, 8).Select(i => "flood-" + i).ToList();
        var tokens = voters.Select(v => factory.TokenFor(v)).ToList();
        var flooding = System.Diagnostics.Stopwatch.StartNew();
        var attempts = await Task.WhenAll(tokens.Select(token => VoteApiTests.PostAsync(client, token, """{"candidate":"harper"}""")));
        for (var i = 0; i < voters.Count; i++)
        {
            using var attempt = attempts[i];
            if (attempt.StatusCode == HttpStatusCode.TooManyRequests)
            {
                limited.Add(voters[i]);
                await VoteApiTests.AssertProblemAsync(attempt, HttpStatusCode.TooManyRequests, "rate-limited");
                Assert.True(attempt.Headers.Contains("Retry-After"));
            }
            else
            {
                Assert.Equal(HttpStatusCode.Accepted, attempt.StatusCode);
                cast.Add(voters[i]);
            }
        }

        // 8 requests on a burst of 5: 3 limited, one fewer for each token the bucket got back meanwhile
        // (one a second; a loaded box may take more than a second for the 8).
        var refills = (int)Math.Ceiling(flooding.Elapsed.TotalSeconds);
        Assert.InRange(limited.Count, Math.Max(1, 3 - refills), 3);
        byte[] Key(string voter) => VoterPseudonym.Compute(IngestFactory.PseudonymSecret, factory.ElectionId, voter);
        Assert.Equal(
            cast.Select(v => Convert.ToHexString(Key(v))).Order(StringComparer.Ordinal),
            TopicReader.ReadAll(factory.Kafka, factory.VotesTopic).Select(m => Convert.ToHexString(m.Message.Key)).Order(StringComparer.Ordinal));

        // What is not a vote is never limited, and never shares the flooding client's bucket (here the
        // in-memory server gives no client address, as a proxy on a Unix socket does).
        for (var i = 0; i < 10; i++)
        {
            using var document = await client.GetAsync(new Uri("/openapi/v1.json", UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, document.StatusCode);
        }
    }
}
