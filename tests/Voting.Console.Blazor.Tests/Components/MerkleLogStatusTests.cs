using Bunit;
using Voting.Console.Blazor.Components.Operations;
using Voting.Console.Blazor.Shards;

namespace Voting.Console.Blazor.Tests.Components;

public sealed class MerkleLogStatusTests : ComponentTest
{
    [Fact]
    public void An_answering_log_shows_its_leaves_and_open_ranges_and_a_long_open_range_is_flagged()
    {
        var rendered = Context.Render<MerkleLogStatus>(p => p.Add(c => c.Log, new MerkleLogHealth("voting_slog", null, 1.2, 1_234_567, 2, 1.5)));

        Assert.Equal("1,234,567", rendered.Find("[data-testid=log-leaves]").TextContent);
        Assert.Equal("2", rendered.Find("[data-testid=log-open-ranges]").TextContent);
        Assert.Contains("oldest 2 s", rendered.Find("[data-testid=log-database]").TextContent, StringComparison.Ordinal);
        Assert.Empty(rendered.FindAll("[data-testid=log-range-stuck]"));
        Assert.Empty(rendered.FindAll("[data-testid=log-down]"));

        var stuck = Context.Render<MerkleLogStatus>(p => p.Add(c => c.Log, new MerkleLogHealth("voting_slog", null, 1.2, 10, 1, MerkleLogStatus.StuckAfterSeconds + 30)));
        Assert.Contains("90 s ago is still open", stuck.Find("[data-testid=log-range-stuck]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void A_log_that_does_not_answer_says_so_and_why()
    {
        var rendered = Context.Render<MerkleLogStatus>(p => p.Add(c => c.Log, new MerkleLogHealth("voting_slog", "Unable to connect to any of the specified MySQL hosts.", double.NaN, 0, 0, 0)));

        var down = rendered.Find("[data-testid=log-down]").TextContent;
        Assert.Contains("voting_slog can't be reached", down, StringComparison.Ordinal);
        Assert.Contains("Unable to connect", down, StringComparison.Ordinal);
        Assert.Empty(rendered.FindAll("[data-testid=log-database]"));
    }
}
