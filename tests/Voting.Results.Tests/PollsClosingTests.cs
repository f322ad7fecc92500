using System.Net.Http.Json;
using Voting.Results.Apis;

namespace Voting.Results.Tests;

public sealed class PollsClosingTests(ClosingPollsResultsFactory factory) : IClassFixture<ClosingPollsResultsFactory>
{
    [Fact]
    public async Task The_candidates_counts_are_published_once_the_polls_close_and_not_a_moment_before()
    {
        using var client = await factory.StartAsync();
        var election = factory.Elections[0];
        await factory.RecordVotesAsync(election, [("c-1", "OH", "harper"), ("c-2", "OH", "harper"), ("c-3", "OH", "reyes")]);
        var path = $"/api/v1/results/OH?election={election}";

        // A second before the close: the total, no count (read until the votes show, the cache being fresh).
        factory.Clock.SetUtcNow(factory.OpenElectionsCloseAt.AddSeconds(-1));
        var before = await ReadUntilAsync(client, path, r => r.Results.TotalBallots == 3);
        Assert.Empty(before.Results.Candidates);
        Assert.Equal(factory.OpenElectionsCloseAt, before.CandidatesWithheldUntil);

        // At the close, once the caches have moved on (the local one by this clock, moved as the real
        // one runs; Redis's by its own): every candidate's count.
        factory.Clock.SetUtcNow(factory.OpenElectionsCloseAt);
        var after = await ReadUntilAsync(client, path, r => r.CandidatesWithheldUntil is null, () => factory.Clock.Advance(TimeSpan.FromMilliseconds(100)));
        Assert.Equal(3, after.Results.TotalBallots);
        Assert.Equal([("harper", 2L), ("reyes", 1L), ("morgan", 0L)], after.Results.Candidates.Select(c => (c.Candidate, c.Votes)));
    }

    private static async Task<ResultsView> ReadUntilAsync(HttpClient client, string path, Func<ResultsView, bool> done, Action? tick = null)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var view = (await client.GetFromJsonAsync(path, ResultsJsonContext.Default.ResultsView))!;
            if (done(view))
            {
                return view;
            }

            Assert.True(DateTime.UtcNow < deadline, $"not within 30 s; last answer: {view}");
            await Task.Delay(100);
            tick?.Invoke();
        }
    }
}
