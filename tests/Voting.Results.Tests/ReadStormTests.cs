using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Voting.Results.Reading;

namespace Voting.Results.Tests;

/// <summary>
/// A read storm on one key, on caches that live 2 s (local) and 2.5 s (Redis): a burst of a thousand
/// requests must finish within an entry's life to cause exactly one query, and on a loaded box it can
/// take longer than the 300–500 ms the other results tests use.
/// </summary>
public sealed class ReadStormTests(StormResultsFactory factory) : IClassFixture<StormResultsFactory>
{
    [Fact]
    public async Task A_thousand_concurrent_requests_after_expiry_cause_one_backend_query()
    {
        using var client = await factory.StartAsync();
        var election = factory.Elections[1];
        await factory.RecordVotesAsync(election, 12, "storm");
        var reader = factory.Services.GetRequiredService<TallyReader>();

        var before = reader.Queries;
        var answers = await Task.WhenAll(Enumerable.Range(0, 1000).Select(_ => client.GetAsync(new Uri($"/api/v1/results?election={election}", UriKind.Relative))));
        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.StatusCode));
        Assert.Equal(1, reader.Queries - before);

        await Task.Delay(10_500); // both levels expired, the local one's stale window too (2 x 5 s)
        before = reader.Queries;
        answers = await Task.WhenAll(Enumerable.Range(0, 1000).Select(_ => client.GetAsync(new Uri($"/api/v1/results?election={election}", UriKind.Relative))));
        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.StatusCode));
        Assert.Equal(1, reader.Queries - before);
    }
}
