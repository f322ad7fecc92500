using Bunit;
using Voting.Console.Blazor.Components.Operations;
using Voting.Console.Blazor.Pipeline;

namespace Voting.Console.Blazor.Tests.Components;

public sealed class PipelineViewTests : ComponentTest
{
    private static readonly LagThresholds Thresholds = new(100, 1_000);

    private static PipelineSnapshot Snapshot(params PartitionLag[] lags) =>
        new("votes", lags, 10, 9, 0, LagThresholds.Worst(lags.Select(l => l.Level)), Thresholds);

    [Fact]
    public void Each_group_and_partition_is_a_row_marked_with_its_level()
    {
        PartitionLag[] lags =
        [
            new("voting-processor", 0, 950, 1_000, 50, Thresholds.Classify(50)),
            new("voting-processor", 1, 500, 1_000, 500, Thresholds.Classify(500)),
            new("voting-processor", 2, null, 2_000, 2_000, Thresholds.Classify(2_000)),
        ];

        var rendered = Context.Render<LagTable>(p => p.Add(t => t.Lags, lags));

        Assert.Equal("Normal", rendered.Find("[data-partition='0']").GetAttribute("data-level"));
        Assert.Equal("Warning", rendered.Find("[data-partition='1']").GetAttribute("data-level"));
        Assert.Equal("Critical", rendered.Find("[data-partition='2']").GetAttribute("data-level"));
        Assert.Contains("none", rendered.Find("[data-partition='2']").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void The_alert_banner_shows_only_while_a_group_is_behind_and_names_it()
    {
        var calm = Context.Render<LagAlert>(p => p.Add(a => a.Snapshot, Snapshot(new PartitionLag("voting-processor", 0, 990, 1_000, 10, LagLevel.Normal))));
        Assert.Empty(calm.FindAll("[data-testid=lag-alert]"));

        var behind = Context.Render<LagAlert>(p => p.Add(a => a.Snapshot, Snapshot(
            new PartitionLag("voting-processor", 0, 990, 1_000, 10, LagLevel.Normal),
            new PartitionLag("voting-processor", 1, 0, 5_000, 5_000, LagLevel.Critical))));
        var alert = behind.Find("[data-testid=lag-alert]");
        Assert.Equal("Critical", alert.GetAttribute("data-level"));
        Assert.Contains("voting-processor is 5,010 messages behind", alert.TextContent, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, LagLevel.Normal)]
    [InlineData(99, LagLevel.Normal)]
    [InlineData(100, LagLevel.Warning)]
    [InlineData(999, LagLevel.Warning)]
    [InlineData(1_000, LagLevel.Critical)]
    public void Lag_is_judged_against_the_thresholds(long lag, LagLevel expected) => Assert.Equal(expected, Thresholds.Classify(lag));
}
