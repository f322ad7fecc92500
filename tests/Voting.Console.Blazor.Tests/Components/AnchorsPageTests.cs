using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Voting.Console.Blazor.Anchors;
using AnchorsPage = Voting.Console.Blazor.Components.Pages.Anchors;
using Voting.Console.Blazor.Live;
using Voting.Core.Audit;

namespace Voting.Console.Blazor.Tests.Components;

/// <summary>
/// The anchors page as the audit service's list changes (the end-to-end test runs on the local chain,
/// which counts an anchor at once, so it never sees one confirming).
/// </summary>
public sealed class AnchorsPageTests : ComponentTest
{
    private static readonly DateTime Taken = new(2026, 11, 29, 9, 0, 0, DateTimeKind.Utc);
    private readonly LiveBoard<CheckpointList> board = new(TimeProvider.System);

    public AnchorsPageTests()
    {
        Context.Services.AddSingleton(board);
        Context.Services.AddHttpClient(AuditClient.HttpClientName);
        Context.Services.AddSingleton<AuditClient>();
        Context.Services.AddSingleton(TimeProvider.System);
    }

    private static CheckpointView Checkpoint(long size, string status, string? transaction = null, long? block = null, string? error = null) =>
        new(size, new string('a', 64), Taken, status, transaction, block, transaction is null ? null : Taken, error);

    [Fact]
    public void A_mined_anchor_shows_as_confirming_until_it_is_final_and_a_queued_one_shows_why_it_waits()
    {
        var rendered = Context.Render<AnchorsPage>();
        const string Mined = "0x" + "12345678";

        board.Publish(new CheckpointList("e1", 1, "0xcontract", 90, 1,
            [Checkpoint(30, "anchored", "0xfirst", 5), Checkpoint(60, "confirming", Mined, 7), Checkpoint(90, "queued", error: "Anchor transaction 0xabc was not mined within 300 s")], Confirming: 1));

        rendered.WaitForAssertion(() => Assert.Equal("1", rendered.Find("[data-testid=confirming]").TextContent));
        Assert.Equal("1", rendered.Find("[data-testid=queued]").TextContent);
        var confirming = rendered.Find("tr[data-size='60']");
        Assert.Equal("confirming", confirming.GetAttribute("data-status"));
        Assert.Contains("confirming", confirming.TextContent, StringComparison.Ordinal);
        Assert.Contains(Mined, confirming.TextContent, StringComparison.Ordinal);
        Assert.Equal("anchored", rendered.Find("tr[data-size='30']").GetAttribute("data-status"));
        Assert.Contains("was not mined within 300 s", rendered.Find(".mud-alert").TextContent, StringComparison.Ordinal);

        // Deep enough: the same anchor is final, nothing is waiting for confirmations.
        board.Publish(new CheckpointList("e1", 1, "0xcontract", 90, 0,
            [Checkpoint(30, "anchored", "0xfirst", 5), Checkpoint(60, "anchored", Mined, 7), Checkpoint(90, "anchored", "0xthird", 9)], Confirming: 0));

        rendered.WaitForAssertion(() => Assert.Equal("0", rendered.Find("[data-testid=confirming]").TextContent));
        Assert.Equal("anchored", rendered.Find("tr[data-size='60']").GetAttribute("data-status"));
        Assert.Empty(rendered.FindAll(".mud-alert"));
    }
}
