using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace Voting.Faults.Tests;

/// <summary>One voter's token fired a thousand times at once at two ingest instances.</summary>
public sealed class DuplicateStormTests
{
    [Fact]
    public async Task A_thousand_concurrent_casts_by_one_voter_across_two_ingest_instances_yield_exactly_one_accepted_vote()
    {
        await using var pipeline = new FaultPipeline("storm");
        await pipeline.StartAsync(ingestInstances: 2);
        var token = pipeline.TokenFor("storm-voter", "GA");
        var instances = pipeline.IngestAddresses;
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = 500 };
        using var client = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(60) };
        using var start = new SemaphoreSlim(0);

        var casts = Enumerable.Range(0, 1000).Select(async i =>
        {
            await start.WaitAsync();
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(instances[i % 2], "/api/v1/vote"))
            {
                Content = new StringContent($$"""{"candidate":"{{FaultPipeline.Candidates[i % 3]}}"}""", Encoding.UTF8, "application/json"),
            };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            using var response = await client.SendAsync(request);
            return (response.StatusCode, Body: await response.Content.ReadAsStringAsync());
        }).ToList();
        start.Release(1000);
        var answers = await Task.WhenAll(casts);

        var statuses = answers.GroupBy(a => a.StatusCode).ToDictionary(g => g.Key, g => g.Count());
        var summary = string.Join(", ", statuses.Select(s => $"{(int)s.Key}: {s.Value}"));
        Assert.True(statuses.GetValueOrDefault(HttpStatusCode.Accepted) == 1, summary);
        Assert.True(statuses.GetValueOrDefault(HttpStatusCode.Conflict) == 999, summary); // already voted, or another of its ballots in progress
        Assert.All(answers.Where(a => a.StatusCode == HttpStatusCode.Conflict), a => Assert.Matches("already-voted|vote-in-progress", a.Body));

        await pipeline.SettleAsync();
        var stored = await pipeline.StoredReceiptsAsync();
        var receipt = System.Text.Json.JsonDocument.Parse(answers.Single(a => a.StatusCode == HttpStatusCode.Accepted).Body).RootElement.GetProperty("receipt").GetString()!;
        Assert.Equal([receipt], stored);
        Assert.Equal((1, 1), await pipeline.CountRowsAsync());
        FaultSummary.Record(new FaultOutcome("1,000 concurrent casts by one voter on 2 ingest instances", 1, 999, 0, stored.Count, 0, 0, summary));
    }
}
