using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Voting.Results.Apis;
using Voting.ServiceDefaults;

namespace Voting.Results.Tests;

/// <summary>
/// Validators and cache headers, on a host whose caches outlive the test: two reads of one URL
/// must come from the same cache entry, however slow the machine is between them.
/// </summary>
public sealed class ResultsRevalidationTests(SteadyResultsFactory factory) : IClassFixture<SteadyResultsFactory>
{
    [Fact]
    public async Task Clients_and_CDNs_can_revalidate_with_the_ETag()
    {
        using var client = await factory.StartAsync();
        var election = factory.Elections[3];
        await factory.RecordVotesAsync(election, [("t-1", "CA", "harper"), ("t-2", "CA", "morgan"), ("t-3", "TX", "harper")]);
        using var first = await client.GetAsync(new Uri($"/api/v1/results/CA?election={election}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.NotNull(first.Headers.ETag);
        Assert.True(first.Headers.CacheControl?.Public);
        Assert.Equal(TimeSpan.FromSeconds(1), first.Headers.CacheControl?.MaxAge);
        var body = await first.Content.ReadFromJsonAsync(ResultsJsonContext.Default.ResultsView);
        Assert.Equal(2, body!.Results.TotalBallots);
        Assert.Equal(1000, body.Results.RegisteredVoters);
        Assert.Equal(0.002, body.Results.Turnout);

        using var again = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/results/CA?election={election}");
        again.Headers.IfNoneMatch.Add(first.Headers.ETag);
        using var notModified = await client.SendAsync(again);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        Assert.Empty(await notModified.Content.ReadAsByteArrayAsync());

        // The plain URL (the read storm's) is the default election — the most recently opened, this
        // one — and its second answer comes from the fast path with the same body, headers and validator.
        using var routed = await client.GetAsync(new Uri($"/api/v1/results?election={election}&", UriKind.Relative)); // more than the election: routed (FastPathTests)
        using var plain = await client.GetAsync(new Uri("/api/v1/results", UriKind.Relative));
        using var hot = await client.GetAsync(new Uri("/api/v1/results", UriKind.Relative));
        var routedJson = await routed.Content.ReadAsStringAsync();
        Assert.Equal(routedJson, await plain.Content.ReadAsStringAsync());
        Assert.Equal(routedJson, await hot.Content.ReadAsStringAsync());
        Assert.Equal(routed.Headers.ETag, hot.Headers.ETag);
        Assert.Equal(routed.Headers.CacheControl, hot.Headers.CacheControl);
        Assert.Equal(TimeSpan.FromSeconds(1), hot.Headers.CacheControl?.MaxAge);
        Assert.Equal(routed.Content.Headers.ContentType?.MediaType, hot.Content.Headers.ContentType?.MediaType);
        Assert.Equal("application/json", hot.Content.Headers.ContentType?.MediaType);
        Assert.True(hot.Headers.CacheControl?.Public);
        using var revalidate = new HttpRequestMessage(HttpMethod.Get, "/api/v1/results");
        revalidate.Headers.IfNoneMatch.Add(hot.Headers.ETag!);
        using var unchanged = await client.SendAsync(revalidate);
        Assert.Equal(HttpStatusCode.NotModified, unchanged.StatusCode);
    }

    [Fact]
    public async Task Reads_answered_from_this_process_are_counted_as_local_cache_hits()
    {
        using var client = await factory.StartAsync();
        var election = factory.Elections[2];
        await factory.RecordVotesAsync(election, [("m-1", "OH", "harper")]);
        var url = new Uri($"/api/v1/results/OH?election={election}", UriKind.Relative);
        using var hits = new MetricCollector<long>(
            factory.Services.GetRequiredService<IMeterFactory>(), ServiceDefaultsExtensions.MeterName, "voting.results.cache_hits");
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(url)).StatusCode); // fills the caches

        hits.RecordObservableInstruments();
        var before = LocalHits(hits);
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(url)).StatusCode);
        }

        hits.RecordObservableInstruments();
        Assert.Equal(before + 5, LocalHits(hits));
        Assert.Equal(["local", "redis", "stale"], hits.GetMeasurementSnapshot().Select(m => (string)m.Tags["level"]!).Distinct().Order());
    }

    private static long LocalHits(MetricCollector<long> hits) =>
        hits.GetMeasurementSnapshot().Last(m => Equals(m.Tags["level"], "local")).Value;
}
