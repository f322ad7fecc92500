using System.Diagnostics.Metrics;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace Voting.Results.Tests;

/// <summary>
/// Which national-results reads the fast path answers before routing: the plain URL and the one
/// naming the default election, nothing else. A routed request is measured with its route; one the
/// fast path answered has none.
/// </summary>
public sealed class FastPathTests(SteadyResultsFactory factory) : IClassFixture<SteadyResultsFactory>
{
    [Fact]
    public async Task The_default_elections_national_results_skip_routing_whether_the_election_is_named_or_not()
    {
        using var client = await factory.StartAsync();
        var byDefault = factory.Elections[3]; // the most recently opened
        await factory.RecordVotesAsync(byDefault, [("f-1", "CA", "harper")]);
        // One collector for the whole test: a request's measurement is taken after its answer is read,
        // so each request waits for its own before the next is sent.
        using var durations = new MetricCollector<double>(
            factory.Services.GetRequiredService<IMeterFactory>(), "Microsoft.AspNetCore.Hosting", "http.server.request.duration");
        await RouteOfAsync(client, durations, "/api/v1/results"); // fills the cache
        await RouteOfAsync(client, durations, $"/api/v1/results?election={factory.Elections[2]}");

        Assert.Null(await RouteOfAsync(client, durations, "/api/v1/results"));
        Assert.Null(await RouteOfAsync(client, durations, $"/api/v1/results?election={byDefault}"));
        // Another election, or anything beside the election, goes the normal way.
        Assert.Equal("/api/v1/results", await RouteOfAsync(client, durations, $"/api/v1/results?election={factory.Elections[2]}"));
        Assert.Equal("/api/v1/results", await RouteOfAsync(client, durations, $"/api/v1/results?election={byDefault}&x=1"));
    }

    // The route the request was measured with (http.server.request.duration), null when none.
    private static async Task<string?> RouteOfAsync(HttpClient client, MetricCollector<double> durations, string url)
    {
        var before = durations.GetMeasurementSnapshot().Count;
        using var response = await client.GetAsync(new Uri(url, UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await durations.WaitForMeasurementsAsync(before + 1, TimeSpan.FromSeconds(10));
        var measured = durations.GetMeasurementSnapshot();
        Assert.Equal(before + 1, measured.Count);
        return measured[^1].Tags.TryGetValue("http.route", out var route) ? (string?)route : null;
    }
}
