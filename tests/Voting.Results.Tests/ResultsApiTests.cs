using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Voting.Results.Apis;

namespace Voting.Results.Tests;

public sealed class ResultsApiTests(ResultsFactory factory) : IClassFixture<ResultsFactory>
{
    [Fact]
    public async Task Results_equal_the_ClickHouse_tallies_and_refresh_within_the_cache_ttl()
    {
        using var client = await factory.StartAsync();
        var election = factory.ClosedElection; // its polls have closed: every count is published
        await factory.RecordVotesAsync(election, 90, "a");

        var tallied = await factory.Reconciliation.ClickHouseCountsAsync(election, CancellationToken.None);
        Assert.Equal(90, tallied.Values.Sum());
        var national = await GetAsync(client, $"/api/v1/results?election={election}");
        Assert.Equal(90, national.Results.TotalBallots);
        Assert.Null(national.CandidatesWithheldUntil);
        Assert.Equal(ResultsFactory.Candidates.Order(StringComparer.Ordinal), national.Results.Candidates.Select(c => c.Candidate).Order(StringComparer.Ordinal));
        foreach (var candidate in ResultsFactory.Candidates)
        {
            var expected = tallied.Where(t => t.Key.EndsWith("/" + candidate, StringComparison.Ordinal)).Sum(t => t.Value);
            var shown = national.Results.Candidates.Single(c => c.Candidate == candidate);
            Assert.Equal(expected, shown.Votes);
            Assert.Equal(Math.Round(expected / 90.0, 6), shown.Share);
        }

        var california = await GetAsync(client, $"/api/v1/results/ca?election={election}");
        Assert.Equal("CA", california.Results.Area);
        Assert.Equal(tallied.Where(t => t.Key.StartsWith("CA/", StringComparison.Ordinal)).Sum(t => t.Value), california.Results.TotalBallots);

        // New ballots show within 2 × local + shared (ResultsOptions: 2 × 300 ms + 500 ms here), plus
        // the refresh's own query and the requests on a loaded box (every test project at once): 3.9 s
        // more. A cache that kept serving what it had would never show them.
        await factory.RecordVotesAsync(election, 30, "b");
        var stored = DateTime.UtcNow;
        while ((await GetAsync(client, $"/api/v1/results?election={election}")).Results.TotalBallots != 120)
        {
            Assert.True(DateTime.UtcNow - stored < TimeSpan.FromSeconds(5), "results did not refresh within 2 × local + shared cache lifetime (1.1 s) and 3.9 s more");
            await Task.Delay(50);
        }
    }

    [Fact]
    public async Task While_the_polls_are_open_totals_and_turnout_are_published_and_no_candidate_count()
    {
        using var client = await factory.StartAsync();
        var election = factory.Elections[3]; // open, with registered voters in CA
        await factory.RecordVotesAsync(election, [("open-1", "CA", "harper"), ("open-2", "CA", "harper"), ("open-3", "TX", "morgan")]);

        var national = await GetAsync(client, $"/api/v1/results?election={election}");
        Assert.Equal(3, national.Results.TotalBallots);
        Assert.Empty(national.Results.Candidates);
        Assert.Equal(factory.OpenElectionsCloseAt, national.CandidatesWithheldUntil);

        var california = await GetAsync(client, $"/api/v1/results/CA?election={election}");
        Assert.Equal((2L, 1000L, 0.002), (california.Results.TotalBallots, california.Results.RegisteredVoters, california.Results.Turnout));
        Assert.Empty(california.Results.Candidates);
        Assert.Equal(factory.OpenElectionsCloseAt, california.CandidatesWithheldUntil);

        var states = (await client.GetFromJsonAsync($"/api/v1/results/states?election={election}", ResultsJsonContext.Default.StatesView))!;
        Assert.Equal(51, states.States.Count);
        Assert.Equal(1, states.States.Single(s => s.Area == "TX").TotalBallots);
        Assert.All(states.States, s => Assert.Empty(s.Candidates));
        Assert.Equal(factory.OpenElectionsCloseAt, states.CandidatesWithheldUntil);

        // Not in the raw answer either: no candidate's name, let alone a count.
        var raw = await client.GetStringAsync(new Uri($"/api/v1/results/states?election={election}", UriKind.Relative));
        Assert.DoesNotContain("harper", raw, StringComparison.Ordinal);
        Assert.DoesNotContain("morgan", raw, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_states_elections_and_receipts_get_problem_details()
    {
        using var client = await factory.StartAsync();
        await ExpectProblemAsync(client, "/api/v1/results/XX", HttpStatusCode.NotFound, "unknown-state");
        await ExpectProblemAsync(client, "/api/v1/results?election=nope", HttpStatusCode.NotFound, "unknown-election");
        await ExpectProblemAsync(client, "/api/v1/receipts/xyz", HttpStatusCode.BadRequest, "malformed-receipt");
        await ExpectProblemAsync(client, "/api/v1/nowhere", HttpStatusCode.NotFound, "not-found");
        using var post = await client.PostAsync(new Uri("/api/v1/results", UriKind.Relative), null);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, post.StatusCode);
        Assert.Contains("urn:voting:problem:method-not-allowed", await post.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    internal static async Task ExpectProblemAsync(HttpClient client, string path, HttpStatusCode status, string type, AuthenticationHeaderValue? auth = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = auth;
        using var response = await client.SendAsync(request);
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains($"urn:voting:problem:{type}", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private static async Task<ResultsView> GetAsync(HttpClient client, string path) =>
        (await client.GetFromJsonAsync(path, ResultsJsonContext.Default.ResultsView))!;
}
