using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Voting.Results.Tests;

/// <summary>
/// ClickHouse or MariaDB out of reach: the public answers are 503 problems that say what can't be
/// read, never where the stores live (their addresses and names go to the log only).
/// </summary>
public sealed class StoresDownTests
{
    [Fact]
    public async Task Results_without_ClickHouse_are_a_503_that_names_no_internal_address()
    {
        await using var factory = new ResultsFactory();
        factory.Settings["Voting:ClickHouse:ConnectionString"] = "Host=127.0.0.1;Port=1;Username=default;Password=";
        using var client = factory.CreateClient();

        using var answer = await client.GetAsync(new Uri($"/api/v1/results?election={factory.Elections[3]}", UriKind.Relative));

        await AssertUnavailableAsync(answer, "The tallies can't be read right now; try again shortly.", factory.Tallies.Options.Database);
    }

    [Fact]
    public async Task A_voters_status_without_MariaDB_is_a_503_that_names_no_internal_address()
    {
        await using var factory = new ResultsFactory();
        factory.Settings["Voting:MySql:ConnectionString"] = "Server=127.0.0.1;Port=1;User ID=voting;Password=voting;SslMode=None";
        using var client = factory.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/votes/erin");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", factory.Tokens.Issue("erin", "PA", factory.Elections[3]));

        using var answer = await client.SendAsync(request);

        await AssertUnavailableAsync(answer, "Whether the vote is recorded can't be read right now; try again shortly.", factory.Shards.Options.DatabasePrefix);
    }

    private static async Task AssertUnavailableAsync(HttpResponseMessage answer, string detail, string storeName)
    {
        var body = await answer.Content.ReadAsStringAsync();
        Assert.True(answer.StatusCode == HttpStatusCode.ServiceUnavailable, $"{(int)answer.StatusCode}: {body}");
        Assert.Equal("application/problem+json", answer.Content.Headers.ContentType?.MediaType);
        Assert.Equal(detail, JsonDocument.Parse(body).RootElement.GetProperty("detail").GetString());
        var headers = string.Join("\n", answer.Headers.Concat(answer.Content.Headers).Select(h => $"{h.Key}: {string.Join(",", h.Value)}"));
        foreach (var internalName in (string[])["127.0.0.1", "localhost", ":1", storeName])
        {
            Assert.DoesNotContain(internalName, body, StringComparison.Ordinal);
            Assert.DoesNotContain(internalName, headers, StringComparison.Ordinal);
        }
    }
}
