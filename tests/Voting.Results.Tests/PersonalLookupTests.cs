using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Voting.Results.Apis;

namespace Voting.Results.Tests;

public sealed class PersonalLookupTests(ResultsFactory factory) : IClassFixture<ResultsFactory>
{
    [Fact]
    public async Task A_voter_sees_whether_their_vote_is_recorded_and_never_anyone_elses()
    {
        using var client = await factory.StartAsync();
        var election = factory.Elections[2];
        var token = new AuthenticationHeaderValue("Bearer", factory.Tokens.Issue("alice", "PA", election));

        var before = await StatusAsync(client, "/api/v1/votes/alice", token);
        Assert.False(before.Recorded);
        Assert.Null(before.RecordedHour);

        await factory.RecordVotesAsync(election, [("alice", "PA", "morgan")]);
        var after = await StatusAsync(client, "/api/v1/votes/alice", token);
        Assert.True(after.Recorded);
        Assert.Equal(0, after.RecordedHour!.Value.Minute);
        Assert.InRange(DateTime.UtcNow - after.RecordedHour.Value, TimeSpan.Zero, TimeSpan.FromHours(1));
        using (var raw = new HttpRequestMessage(HttpMethod.Get, "/api/v1/votes/alice"))
        {
            raw.Headers.Authorization = token;
            var text = await (await client.SendAsync(raw)).Content.ReadAsStringAsync();
            Assert.DoesNotContain("morgan", text, StringComparison.Ordinal); // never the choice
        }

        await ResultsApiTests.ExpectProblemAsync(client, "/api/v1/votes/bob", HttpStatusCode.Forbidden, "not-your-vote", token);
        await ResultsApiTests.ExpectProblemAsync(client, "/api/v1/votes/alice", HttpStatusCode.Unauthorized, "unauthenticated");
        await ResultsApiTests.ExpectProblemAsync(client, "/api/v1/votes/alice", HttpStatusCode.Unauthorized, "unauthenticated", new AuthenticationHeaderValue("Bearer", "forged.token.here"));
        // Alice's token to cast with is not one to look up with (results holds no key that could mint it), and she is told which token it is.
        using (var cast = new HttpRequestMessage(HttpMethod.Get, "/api/v1/votes/alice"))
        {
            cast.Headers.Authorization = new AuthenticationHeaderValue("Bearer", factory.CastTokens.Issue("alice", "PA", election));
            using var refused = await client.SendAsync(cast);
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
            Assert.Equal(
                "This is a token to cast a vote with; looking up your vote takes your lookup token from the election authority.",
                System.Text.Json.JsonDocument.Parse(await refused.Content.ReadAsStringAsync()).RootElement.GetProperty("detail").GetString());
        }
        // A signed token naming no state, or an election not served here: each said as it is.
        await ResultsApiTests.ExpectProblemAsync(
            client, "/api/v1/votes/alice", HttpStatusCode.Unauthorized, "unauthenticated", new AuthenticationHeaderValue("Bearer", factory.Tokens.Issue("alice", "XX", election)));
        await ResultsApiTests.ExpectProblemAsync(
            client, "/api/v1/votes/alice", HttpStatusCode.NotFound, "unknown-election", new AuthenticationHeaderValue("Bearer", factory.Tokens.Issue("alice", "PA", "no-such-election")));
    }

    private static async Task<VoteStatusView> StatusAsync(HttpClient client, string path, AuthenticationHeaderValue token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = token;
        using var response = await client.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync(ResultsJsonContext.Default.VoteStatusView))!;
    }
}
