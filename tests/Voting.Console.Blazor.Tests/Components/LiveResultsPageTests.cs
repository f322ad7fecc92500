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

    private static TallySnapshot Snapshot(long harper, long morgan)
    {
        var total = harper + morgan;
        var national = new AreaResults("US", total, null, null, [new("harper", harper, total == 0 ? 0 : harper / (double)total), new("morgan", morgan, total == 0 ? 0 : morgan / (double)total)]);
        var ohio = national with { Area = "OH" };
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

        board.Publish(Snapshot(3, 2));
        rendered.WaitForAssertion(() => Assert.Equal("5", rendered.Find("[data-testid=national] [data-testid=total-ballots]").TextContent));
        Assert.Equal("2.0", rendered.Find("[data-testid=latest-rate]").TextContent.Split(' ')[2]);

        board.Publish(Snapshot(40, 2));
        rendered.WaitForAssertion(() => Assert.Equal("42", rendered.Find("[data-testid=national] [data-testid=total-ballots]").TextContent));
        Assert.Equal("40", rendered.Find("[data-testid=national] [data-candidate=harper] [data-testid=votes]").TextContent);
        Assert.Equal("42", rendered.Find("[data-testid=state-ballots]").TextContent);
    }

    [Fact]
    public void A_failed_refresh_keeps_the_last_reading_and_says_it_is_stale()
    {
        board.Publish(Snapshot(3, 2));
        var rendered = Context.Render<Results>();

        board.Fail("ClickHouse: connection refused");

        rendered.WaitForAssertion(() => Assert.Contains("connection refused", rendered.Find("[data-testid=stale]").TextContent, StringComparison.Ordinal));
        Assert.Equal("5", rendered.Find("[data-testid=national] [data-testid=total-ballots]").TextContent);
    }
}
