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
        var election = factory.Elections[0];
        await factory.RecordVotesAsync(election, 90, "a");

        var tallied = await factory.Reconciliation.ClickHouseCountsAsync(election, CancellationToken.None);
        Assert.Equal(90, tallied.Values.Sum());
        var national = await GetAsync(client, $"/api/v1/results?election={election}");
        Assert.Equal(90, national.Results.TotalBallots);
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
        // the refresh's own query and the requests on a loaded box: 1.4 s more.
        await factory.RecordVotesAsync(election, 30, "b");
        var stored = DateTime.UtcNow;
        while ((await GetAsync(client, $"/api/v1/results?election={election}")).Results.TotalBallots != 120)
        {
            Assert.True(DateTime.UtcNow - stored < TimeSpan.FromSeconds(2.5), "results did not refresh within 2 × local + shared cache lifetime (1.1 s) and 1.4 s more");
            await Task.Delay(50);
        }
    }

    [Fact]
    public async Task Unknown_states_elections_and_receipts_get_problem_details()
    {
        using var client = await factory.StartAsync();
        await ExpectProblemAsync(client, "/api/v1/results/XX", HttpStatusCode.NotFound, "unknown-state");
        await ExpectProblemAsync(client, "/api/v1/results?election=nope", HttpStatusCode.NotFound, "unknown-election");
        await ExpectProblemAsync(client, "/api/v1/receipts/xyz", HttpStatusCode.BadRequest, "malformed-receipt");
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
