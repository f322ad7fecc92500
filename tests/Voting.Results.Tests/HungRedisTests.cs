using System.Net;
using System.Net.Http.Json;
using Voting.Results.Apis;

namespace Voting.Results.Tests;

public sealed class HungRedisTests(HungRedisResultsFactory factory) : IClassFixture<HungRedisResultsFactory>
{
    [Fact]
    public async Task Results_are_read_from_ClickHouse_while_Redis_hangs_and_answer_200_throughout()
    {
        using var client = await factory.StartAsync();
        var election = factory.Elections[1];
        await factory.RecordVotesAsync(election, 30, "before");
        Assert.Equal(30, (await ResultsAsync(client, election)).Results.TotalBallots);

        // Redis stops answering (a hung server, a silent network): every cache read and write now
        // waits for the client's timeout. Results are a cache over ClickHouse, so they must still be
        // served, current, and without readers waiting for Redis: no answer takes seconds.
        factory.Redis.Freeze();
        try
        {
            await factory.RecordVotesAsync(election, 12, "while-hung");
            var deadline = DateTime.UtcNow.AddSeconds(30);
            var total = 0L;
            var slowest = TimeSpan.Zero;
            var polls = 0;
            while ((total != 42 || polls < 10) && DateTime.UtcNow < deadline)
            {
                var asked = System.Diagnostics.Stopwatch.StartNew();
                using var answer = await client.GetAsync(new Uri($"/api/v1/results?election={election}", UriKind.Relative));
                slowest = TimeSpan.FromTicks(Math.Max(slowest.Ticks, asked.Elapsed.Ticks));
                Assert.True(answer.StatusCode == HttpStatusCode.OK, $"{(int)answer.StatusCode} while Redis hangs: {await answer.Content.ReadAsStringAsync()}");
                total = (await answer.Content.ReadFromJsonAsync(ResultsJsonContext.Default.ResultsView))!.Results.TotalBallots;
                polls++;
                await Task.Delay(200);
            }

            Assert.Equal(42, total);
            // Several refreshes (300 ms local lifetime here) over 10 polls; each waits at most 200 ms for Redis,
            // not the client's 5 s timeout (4 s leaves a loaded box room for a slow ClickHouse refresh).
            Assert.True(slowest < TimeSpan.FromSeconds(4), $"an answer took {slowest.TotalMilliseconds:F0} ms while Redis hung");
        }
        finally
        {
            factory.Redis.Thaw();
        }
    }

    private static async Task<ResultsView> ResultsAsync(HttpClient client, string election) =>
        (await client.GetFromJsonAsync($"/api/v1/results?election={election}", ResultsJsonContext.Default.ResultsView))!;
}
