using Bunit;
using Voting.Console.Blazor.Components.Results;
using Voting.Core.Results;

namespace Voting.Console.Blazor.Tests.Components;

public sealed class CandidateTotalsTests : ComponentTest
{
    [Fact]
    public void Each_candidate_shows_its_votes_and_share_beside_a_bar_chart()
    {
        var area = new AreaResults("US", 1_234, 2_000, 0.617, [new("harper", 800, 800 / 1234.0), new("morgan", 434, 434 / 1234.0)]);

        var rendered = Context.Render<CandidateTotals>(p => p.Add(c => c.Area, area).Add(c => c.Title, "National"));

        Assert.Equal("1,234", rendered.Find("[data-testid=total-ballots]").TextContent);
        Assert.Contains("turnout 61.7%", rendered.Markup, StringComparison.Ordinal);
        Assert.Equal("800", rendered.Find("[data-candidate=harper] [data-testid=votes]").TextContent);
        Assert.Equal("434", rendered.Find("[data-candidate=morgan] [data-testid=votes]").TextContent);
        Assert.Contains("64.8%", rendered.Find("[data-candidate=harper]").TextContent, StringComparison.Ordinal);
        Assert.NotEmpty(rendered.FindAll("svg")); // the chart
    }

    [Fact]
    public void An_area_without_ballots_shows_zeroes_and_no_chart()
    {
        var area = new AreaResults("WY", 0, null, null, [new("harper", 0, 0), new("morgan", 0, 0)]);

        var rendered = Context.Render<CandidateTotals>(p => p.Add(c => c.Area, area));

        Assert.Equal("0", rendered.Find("[data-testid=total-ballots]").TextContent);
        Assert.DoesNotContain("turnout", rendered.Markup, StringComparison.Ordinal);
        Assert.Empty(rendered.FindAll("svg"));
    }
}
