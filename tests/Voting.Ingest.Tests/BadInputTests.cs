using System.Net;
using System.Text.Json;
using Voting.Infrastructure.Identity;
using Voting.TestSupport;

namespace Voting.Ingest.Tests;

/// <summary>Every bad input gets its documented status and problem type, and nothing reaches Kafka.</summary>
public sealed class BadInputTests(IngestFactory factory) : IClassFixture<IngestFactory>
{
    public static TheoryData<string, string, string, HttpStatusCode, string> Bodies => new()
    {
        { "malformed JSON", "{\"candidate\":", "application/json", HttpStatusCode.BadRequest, "malformed-ballot" },
        { "truncated JSON", "{\"candidate\":\"har", "application/json", HttpStatusCode.BadRequest, "malformed-ballot" },
        { "wrong type", "{\"candidate\":5}", "application/json", HttpStatusCode.BadRequest, "malformed-ballot" },
        { "unknown field", "{\"candidate\":\"harper\",\"voterId\":\"x\"}", "application/json", HttpStatusCode.BadRequest, "malformed-ballot" },
        { "missing candidate", "{}", "application/json", HttpStatusCode.BadRequest, "malformed-ballot" },
        { "empty candidate", "{\"candidate\":\"  \"}", "application/json", HttpStatusCode.BadRequest, "malformed-ballot" },
        { "array", "[]", "application/json", HttpStatusCode.BadRequest, "malformed-ballot" },
        { "null", "null", "application/json", HttpStatusCode.BadRequest, "malformed-ballot" },
        { "empty body", "", "application/json", HttpStatusCode.BadRequest, "malformed-ballot" },
        { "not JSON", "candidate=harper", "application/x-www-form-urlencoded", HttpStatusCode.UnsupportedMediaType, "unsupported-media-type" },
        { "huge body", "{\"candidate\":\"" + new string('x', 5000) + "\"}", "application/json", HttpStatusCode.RequestEntityTooLarge, "ballot-too-large" },
        { "unknown candidate", "{\"candidate\":\"nobody\"}", "application/json", HttpStatusCode.UnprocessableEntity, "unknown-candidate" },
        { "candidate in other case", "{\"candidate\":\"Harper\"}", "application/json", HttpStatusCode.UnprocessableEntity, "unknown-candidate" },
    };

    [Theory]
    [MemberData(nameof(Bodies))]
    public async Task Bad_bodies_are_refused_and_nothing_is_produced(string because, string body, string contentType, HttpStatusCode status, string type)
    {
        using var response = await VoteApiTests.PostAsync(factory.CreateClient(), factory.TokenFor(Voter()), body, contentType);
        await VoteApiTests.AssertProblemAsync(response, status, type);
        Assert.True(NothingProduced(), because);
    }

    [Fact]
    public async Task An_idempotency_key_against_the_rule_is_refused()
    {
        const string key = "short"; // one sent empty is in the fault suite's corpus (idempotency-key-empty): the in-memory test server drops empty headers
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/vote")
        {
            Content = new StringContent("""{"candidate":"harper"}""", System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new("Bearer", factory.TokenFor(Voter()));
        request.Headers.TryAddWithoutValidation(Voting.Core.Ballots.IdempotencyKey.HeaderName, key);
        using var response = await factory.CreateClient().SendAsync(request);

        await VoteApiTests.AssertProblemAsync(response, HttpStatusCode.BadRequest, "malformed-ballot");
        Assert.True(NothingProduced());
    }

    [Fact]
    public async Task A_body_larger_than_the_cap_is_refused_even_without_a_content_length()
    {
        using var client = factory.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/vote")
        {
            Content = new StreamContent(new MemoryStream(new byte[10_000])),
        };
        request.Content.Headers.ContentType = new("application/json");
        request.Headers.TransferEncodingChunked = true;
        request.Headers.Authorization = new("Bearer", factory.TokenFor(Voter()));
        using var response = await client.SendAsync(request);
        await VoteApiTests.AssertProblemAsync(response, HttpStatusCode.RequestEntityTooLarge, "ballot-too-large");
        Assert.True(response.Headers.ConnectionClose, "a 413 ends the connection: the rest of the body is not read");
        Assert.True(NothingProduced());
    }

    public static TheoryData<string, string> BadTokens => new()
    {
        { "none", "Send 'Authorization: Bearer <voter token>'." },
        { "garbage", "The token is malformed or invalid." },
        { "expired", "The token has expired." },
        { "not yet valid", "The token is not valid yet." },
        { "forged", "The token's signature is not the election authority's." },
        { "other audience", "The token was issued for another service." },
        { "lookup token", "This is a token to look up your vote with; casting takes your voter token from the election authority." },
        { "lookup audience", "The token was issued for another service." },
    };

    [Theory]
    [MemberData(nameof(BadTokens))]
    public async Task Missing_expired_or_forged_tokens_get_401_saying_why(string kind, string detail)
    {
        var options = LocalStack.Bind<VoterTokenOptions>(VoterTokenOptions.Section);
        var token = kind switch
        {
            "none" => null,
            "garbage" => "abc.def.ghi",
            "expired" => factory.Tokens.Issue(Voter(), "PA", factory.ElectionId, TimeSpan.FromMinutes(1), DateTimeOffset.UtcNow.AddMinutes(-10)),
            "not yet valid" => factory.Tokens.Issue(Voter(), "PA", factory.ElectionId, TimeSpan.FromMinutes(10), DateTimeOffset.UtcNow.AddMinutes(5)),
            "forged" => new VoterTokenIssuer(new VoterTokenOptions { SigningKeys = [Convert.ToBase64String(new byte[32])] }, TimeProvider.System)
                .Issue(Voter(), "PA", factory.ElectionId),
            "other audience" => new VoterTokenIssuer(new VoterTokenOptions { SigningKeys = options.SigningKeys, Audience = "results" }, TimeProvider.System)
                .Issue(Voter(), "PA", factory.ElectionId),
            // The voter's own token to look up their vote with, as the authority mints it: signed with results' key, not one to cast with.
            "lookup token" => new VoterTokenIssuer(LocalStack.VoterTokens(VoterTokenOptions.LookupSection), TimeProvider.System, VoterTokenOptions.LookupSection)
                .Issue(Voter(), "PA", factory.ElectionId),
            // Signed with ingest's own key, but for results' audience: refused for its audience alone.
            "lookup audience" => new VoterTokenIssuer(new VoterTokenOptions { SigningKeys = options.SigningKeys, Audience = VoterTokenOptions.LookupAudience }, TimeProvider.System)
                .Issue(Voter(), "PA", factory.ElectionId),
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };

        using var response = await VoteApiTests.PostAsync(factory.CreateClient(), token, """{"candidate":"harper"}""");
        await VoteApiTests.AssertProblemAsync(response, HttpStatusCode.Unauthorized, "unauthenticated");
        Assert.Equal(detail, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("detail").GetString());
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
        Assert.True(NothingProduced(), kind);
    }

    [Theory]
    [InlineData("PR", null, "unknown-state")]
    [InlineData("ZZ", null, "unknown-state")]
    [InlineData("PA", "-closed", "election-closed")]
    [InlineData("PA", "-no-such-election", "unknown-election")]
    public async Task Tokens_for_unknown_states_or_elections_or_a_closed_election_get_422(string state, string? electionSuffix, string type)
    {
        var token = factory.Tokens.Issue(Voter(), state, factory.ElectionId + electionSuffix);
        using var response = await VoteApiTests.PostAsync(factory.CreateClient(), token, """{"candidate":"harper"}""");
        await VoteApiTests.AssertProblemAsync(response, HttpStatusCode.UnprocessableEntity, type);
        Assert.True(NothingProduced());
    }

    private static string Voter() => "voter-" + Guid.NewGuid().ToString("N");

    private bool NothingProduced() => TopicReader.ReadAll(factory.Kafka, factory.VotesTopic).Count == 0;
}
