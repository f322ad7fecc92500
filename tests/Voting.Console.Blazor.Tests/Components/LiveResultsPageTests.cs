using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Voting.Console.Blazor.Components.Pages;
using Voting.Console.Blazor.Live;
using Voting.Console.Blazor.Tallies;
using Voting.Core.Results;

namespace Voting.Console.Blazor.Tests.Components;

public sealed class LiveResultsPageTests : ComponentTest
{
    private readonly LiveBoard<TallySnapshot> board = new(TimeProvider.System);

    public LiveResultsPageTests() => Context.Services.AddSingleton(board);

    private static AreaResults Area(string area, long harper, long morgan)
    {
        var total = harper + morgan;
        return new AreaResults(area, total, null, null, [new("harper", harper, total == 0 ? 0 : harper / (double)total), new("morgan", morgan, total == 0 ? 0 : morgan / (double)total)]);
    }

    // Ohio's counts differ from the nation's, so a state table showing national figures is caught.
    private static TallySnapshot Snapshot(long harper, long morgan, long ohioHarper, long ohioMorgan)
    {
        var national = Area("US", harper, morgan);
        var ohio = Area("OH", ohioHarper, ohioMorgan);
        return new TallySnapshot(
            new ElectionResults("e1", DateTimeOffset.UtcNow, national, [ohio]),
            [new MinuteRate(new DateTime(2026, 11, 29, 9, 0, 0, DateTimeKind.Utc), 120)],
            new Dictionary<string, DateTimeOffset> { ["OH"] = DateTimeOffset.UtcNow });
    }

    [Fact]
    public void The_page_waits_for_the_first_reading_then_follows_every_published_one_without_interaction()
    {
        var rendered = Context.Render<Results>();
        Assert.Empty(rendered.FindAll("[data-testid=national]"));

        board.Publish(Snapshot(3, 2, ohioHarper: 1, ohioMorgan: 2));
        rendered.WaitForAssertion(() => Assert.Equal("5", rendered.Find("[data-testid=national] [data-testid=total-ballots]").TextContent));
        Assert.Equal("2.0", rendered.Find("[data-testid=latest-rate]").TextContent.Split(' ')[2]);
        Assert.Equal("3", rendered.Find("[data-testid=state-ballots]").TextContent);
        Assert.Contains("morgan", rendered.Find("[data-testid=state-table] tbody tr").TextContent, StringComparison.Ordinal);

        board.Publish(Snapshot(40, 2, ohioHarper: 30, ohioMorgan: 1));
        rendered.WaitForAssertion(() => Assert.Equal("42", rendered.Find("[data-testid=national] [data-testid=total-ballots]").TextContent));
        Assert.Equal("40", rendered.Find("[data-testid=national] [data-candidate=harper] [data-testid=votes]").TextContent);
        Assert.Equal("31", rendered.Find("[data-testid=state-ballots]").TextContent);
        Assert.Contains("harper", rendered.Find("[data-testid=state-table] tbody tr").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void A_failed_refresh_keeps_the_last_reading_and_says_it_is_stale()
    {
        board.Publish(Snapshot(3, 2, ohioHarper: 1, ohioMorgan: 2));
        var rendered = Context.Render<Results>();

        board.Fail("ClickHouse: connection refused");

        rendered.WaitForAssertion(() => Assert.Contains("connection refused", rendered.Find("[data-testid=stale]").TextContent, StringComparison.Ordinal));
        Assert.Equal("5", rendered.Find("[data-testid=national] [data-testid=total-ballots]").TextContent);
    }
}
