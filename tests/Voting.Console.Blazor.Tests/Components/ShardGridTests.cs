using Bunit;
using Voting.Console.Blazor.Components.Operations;
using Voting.Console.Blazor.Shards;

namespace Voting.Console.Blazor.Tests.Components;

public sealed class ShardGridTests : ComponentTest
{
    [Fact]
    public void A_failing_shard_stands_out_with_its_reason_and_the_others_show_their_rows()
    {
        var shards = Enumerable.Range(0, 16).Select(i => i == 5
            ? new ShardHealth(i, $"voting_s{i:00}", "Unable to connect to any of the specified MySQL hosts.", double.NaN, [], 0)
            : new ShardHealth(i, $"voting_s{i:00}", null, 1.5, [.. Enumerable.Repeat((long)i, 64)], 3)).ToList();

        var rendered = Context.Render<ShardGrid>(p => p.Add(g => g.Snapshot, new ShardSnapshot(shards)));

        var down = rendered.Find("[data-shard='5']");
        Assert.Contains("shard-down", down.ClassName, StringComparison.Ordinal);
        Assert.Equal("false", down.GetAttribute("data-reachable"));
        Assert.Contains("Unable to connect", down.TextContent, StringComparison.Ordinal);
        Assert.Single(rendered.FindAll(".shard-down"));
        Assert.Equal("640", rendered.Find("[data-shard='10'] [data-testid=shard-rows]").TextContent);
        Assert.Equal(64, rendered.FindAll("[data-shard='10'] div[title]").Count);
    }
}
