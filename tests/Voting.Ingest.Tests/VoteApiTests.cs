using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using StackExchange.Redis;
using Voting.Core.Ballots;
using Voting.Core.Identity;
using Voting.TestSupport;

namespace Voting.Ingest.Tests;

public sealed class VoteApiTests(IngestFactory factory) : IClassFixture<IngestFactory>
{
    [Fact]
    public async Task A_valid_vote_is_acknowledged_with_a_receipt_after_Kafka_has_it_and_carries_no_raw_voter_id()
    {
        var voterId = "voter-" + Guid.NewGuid().ToString("N");
        using var response = await PostAsync(factory.TokenFor(voterId, "PA"), """{"candidate":"harper"}""");

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var receipt = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("accepted", receipt.GetProperty("status").GetString());
        Assert.Equal(factory.ElectionId, receipt.GetProperty("electionId").GetString());
        var receiptText = receipt.GetProperty("receipt").GetString()!;
        Assert.Matches("^[0-9a-f]{64}$", receiptText);

        var pseudonym = VoterPseudonym.Compute(IngestFactory.PseudonymSecret, factory.ElectionId, voterId);
        var message = TopicReader.ReadAll(factory.Kafka, factory.VotesTopic).Single(m => m.Message.Key.AsSpan().SequenceEqual(pseudonym));
        var vote = JsonSerializer.Deserialize(message.Message.Value, VotingJsonContext.Default.VoteMessage)!;
        Assert.Equal((VoteMessage.CurrentVersion, factory.ElectionId, "PA", "harper"), (vote.Version, vote.ElectionId, vote.State, vote.Candidate));
        Assert.Equal(pseudonym, vote.Pseudonym);
        Assert.Equal(receiptText, BallotHash.ToReceipt(BallotHash.Compute(vote.ToBallot())));
        Assert.Equal(vote.BallotHash, BallotHash.Compute(vote.ToBallot()));

        var raw = Encoding.UTF8.GetString(message.Message.Key) + Encoding.UTF8.GetString(message.Message.Value);
        Assert.DoesNotContain(voterId, raw, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_json_body_under_a_json_suffixed_media_type_is_read_as_json()
    {
        // Routing lets application/*+json through as JSON; the handler reads it as such (it refused
        // it as malformed before, where the documented answer to a body that is not JSON is 415).
        var voterId = "voter-" + Guid.NewGuid().ToString("N");
        using var response = await PostAsync(factory.CreateClient(), factory.TokenFor(voterId), """{"candidate":"harper"}""", "application/vnd.voting.ballot+json");

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var pseudonym = VoterPseudonym.Compute(IngestFactory.PseudonymSecret, factory.ElectionId, voterId);
        Assert.Single(TopicReader.ReadAll(factory.Kafka, factory.VotesTopic), m => m.Message.Key.AsSpan().SequenceEqual(pseudonym));
    }

    [Fact]
    public async Task A_cast_with_an_idempotency_key_gets_a_ballot_id_keyed_by_the_elections_secret()
    {
        var voterId = "voter-" + Guid.NewGuid().ToString("N");
        const string guessable = "2028-11-07T09-15-00";
        using var client = factory.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/vote") { Content = new StringContent("""{"candidate":"harper"}""", Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", factory.TokenFor(voterId, "PA"));
        request.Headers.Add(IdempotencyKey.HeaderName, guessable);
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);

        // Whoever reads the shards has the pseudonym, and may guess a careless client's key; without
        // the election's secret that still does not give them the ballot's id.
        var pseudonym = VoterPseudonym.Compute(IngestFactory.PseudonymSecret, factory.ElectionId, voterId);
        var message = TopicReader.ReadAll(factory.Kafka, factory.VotesTopic).Single(m => m.Message.Key.AsSpan().SequenceEqual(pseudonym));
        var vote = JsonSerializer.Deserialize(message.Message.Value, VotingJsonContext.Default.VoteMessage)!;
        Assert.Equal(IdempotencyKey.BallotId(IngestFactory.PseudonymSecret, factory.ElectionId, pseudonym, guessable), vote.BallotId);
        Assert.NotEqual(IdempotencyKey.BallotId(new byte[32], factory.ElectionId, pseudonym, guessable), vote.BallotId);
    }

    [Fact]
    public async Task An_accepted_voters_marker_in_Redis_tells_the_hour_of_the_vote_not_the_second()
    {
        var voterId = "voter-" + Guid.NewGuid().ToString("N");
        var before = DateTimeOffset.UtcNow;
        using var response = await PostAsync(factory.TokenFor(voterId, "WY"), """{"candidate":"harper"}""");
        var after = DateTimeOffset.UtcNow; // an hour may turn while the vote is cast
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);

        var pseudonym = Convert.ToHexStringLower(VoterPseudonym.Compute(IngestFactory.PseudonymSecret, factory.ElectionId, voterId));
        using var redis = await ConnectionMultiplexer.ConnectAsync(LocalStack.Redis().Configuration);
        var marker = Assert.Single(await RedisKeys.ListAsync(redis, factory.KeyPrefix + "voted:"), k => ((string)k!).EndsWith(pseudonym, StringComparison.Ordinal));
        var expiresAt = DateTimeOffset.FromUnixTimeSeconds((long)await redis.GetDatabase().ExecuteAsync("EXPIRETIME", marker));

        Assert.Equal(0, expiresAt.ToUnixTimeSeconds() % 3600);
        Assert.InRange(expiresAt, before.AddHours(24), after.AddHours(25));
    }

    [Fact]
    public async Task The_same_voter_again_is_refused_with_409_and_nothing_more_is_produced()
    {
        var voterId = "voter-" + Guid.NewGuid().ToString("N");
        using var first = await PostAsync(factory.TokenFor(voterId), """{"candidate":"harper"}""");
        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);

        using var second = await PostAsync(factory.TokenFor(voterId), """{"candidate":"morgan"}""");
        await AssertProblemAsync(second, HttpStatusCode.Conflict, "already-voted");

        var pseudonym = VoterPseudonym.Compute(IngestFactory.PseudonymSecret, factory.ElectionId, voterId);
        Assert.Single(TopicReader.ReadAll(factory.Kafka, factory.VotesTopic), m => m.Message.Key.AsSpan().SequenceEqual(pseudonym));
    }

    [Fact]
    public async Task Two_hundred_concurrent_casts_by_one_voter_yield_exactly_one_202()
    {
        var voterId = "voter-" + Guid.NewGuid().ToString("N");
        var token = factory.TokenFor(voterId, "OH");
        using var client = factory.CreateClient();
        var responses = await Task.WhenAll(Enumerable.Range(0, 200).Select(i =>
            PostAsync(client, token, i % 2 == 0 ? """{"candidate":"harper"}""" : """{"candidate":"morgan"}""")));

        Assert.Equal(1, responses.Count(r => r.StatusCode == HttpStatusCode.Accepted));
        Assert.All(responses.Where(r => r.StatusCode != HttpStatusCode.Accepted),
            r => Assert.Contains(r.StatusCode, new[] { HttpStatusCode.Conflict, HttpStatusCode.TooManyRequests }));
        var pseudonym = VoterPseudonym.Compute(IngestFactory.PseudonymSecret, factory.ElectionId, voterId);
        Assert.Single(TopicReader.ReadAll(factory.Kafka, factory.VotesTopic), m => m.Message.Key.AsSpan().SequenceEqual(pseudonym));
        foreach (var response in responses)
        {
            response.Dispose();
        }
    }

    [Fact]
    public async Task The_OpenAPI_document_describes_the_vote_endpoint()
    {
        using var client = factory.CreateClient();
        var document = await client.GetFromJsonAsync<JsonElement>(new Uri("/openapi/v1.json", UriKind.Relative));
        var post = document.GetProperty("paths").GetProperty("/api/v1/vote").GetProperty("post");
        var statuses = post.GetProperty("responses").EnumerateObject().Select(p => p.Name).ToArray();
        Assert.Subset(new HashSet<string>(statuses), new HashSet<string> { "202", "400", "401", "409", "413", "415", "422", "429", "503" });

        // Who may call it, what it takes besides the body, and when to come back.
        var scheme = document.GetProperty("components").GetProperty("securitySchemes").GetProperty("VoterToken");
        Assert.Equal("http", scheme.GetProperty("type").GetString());
        Assert.Equal("bearer", scheme.GetProperty("scheme").GetString());
        Assert.True(post.GetProperty("security")[0].TryGetProperty("VoterToken", out _), post.GetProperty("security").ToString());
        var key = post.GetProperty("parameters").EnumerateArray().Single(p => p.GetProperty("name").GetString() == IdempotencyKey.HeaderName);
        Assert.Equal("header", key.GetProperty("in").GetString());
        Assert.Equal(IdempotencyKey.MinLength, key.GetProperty("schema").GetProperty("minLength").GetInt32());
        Assert.True(post.GetProperty("responses").GetProperty("429").GetProperty("headers").TryGetProperty("Retry-After", out _));

        // The body is exactly {"candidate": "<id>"}.
        var body = document.GetProperty("components").GetProperty("schemas").GetProperty("CastVoteRequest");
        Assert.Equal(["candidate"], body.GetProperty("required").EnumerateArray().Select(r => r.GetString()));
        Assert.False(body.GetProperty("additionalProperties").GetBoolean());
        Assert.Equal(1, body.GetProperty("properties").GetProperty("candidate").GetProperty("minLength").GetInt32());
    }

    private Task<HttpResponseMessage> PostAsync(string? token, string body, string contentType = "application/json") =>
        PostAsync(factory.CreateClient(), token, body, contentType);

    internal static async Task<HttpResponseMessage> PostAsync(HttpClient client, string? token, string body, string contentType = "application/json")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/vote") { Content = new StringContent(body, Encoding.UTF8, contentType) };
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return await client.SendAsync(request);
    }

    internal static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string type)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(body).RootElement;
        Assert.Equal("urn:voting:problem:" + type, problem.GetProperty("type").GetString());
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("detail").GetString()));
    }
}
