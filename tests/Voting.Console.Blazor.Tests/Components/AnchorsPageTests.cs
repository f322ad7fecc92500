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
    private readonly AuditService audit = new();

    public AnchorsPageTests()
    {
        Context.Services.AddSingleton(board);
        Context.Services.AddHttpClient(AuditClient.HttpClientName, client => client.BaseAddress = new Uri("http://audit.test/"))
            .ConfigurePrimaryHttpMessageHandler(() => audit);
        Context.Services.AddSingleton<AuditClient>();
        Context.Services.AddSingleton(TimeProvider.System);
    }

    [Fact]
    public void No_audit_is_said_only_once_the_audit_service_said_so()
    {
        // Opened before the checkpoint list arrived: the report is asked for when it does.
        var rendered = Context.Render<AnchorsPage>();
        Assert.Empty(rendered.FindAll("[data-testid=no-audit-yet]"));

        board.Publish(new CheckpointList("e1", 1, "0xcontract", 30, 0, [Checkpoint(30, "anchored", "0xfirst", 5)], Confirming: 0));

        // The audit service has not answered yet (an audit running holds it): not known, so not "none".
        rendered.WaitForAssertion(() => Assert.Single(rendered.FindAll("[data-testid=audit-unknown]")));
        Assert.Empty(rendered.FindAll("[data-testid=no-audit-yet]"));
        Assert.Equal(1, audit.Asked);

        audit.Answer.SetResult();
        rendered.WaitForAssertion(() => Assert.Single(rendered.FindAll("[data-testid=no-audit-yet]")));
        Assert.Empty(rendered.FindAll("[data-testid=audit-unknown]"));

        // Later refreshes of the list do not ask again.
        board.Publish(new CheckpointList("e1", 1, "0xcontract", 60, 0, [Checkpoint(30, "anchored", "0xfirst", 5), Checkpoint(60, "anchored", "0xsecond", 6)], Confirming: 0));
        rendered.WaitForAssertion(() => Assert.Equal(2, rendered.FindAll("tr[data-size]").Count));
        Assert.Equal(1, audit.Asked);
    }

    /// <summary>An audit service with no audit run yet, answering that once <see cref="Answer"/> is set.</summary>
    private sealed class AuditService : HttpMessageHandler
    {
        private int asked;

        public TaskCompletionSource Answer { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int Asked => Volatile.Read(ref asked);

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Assert.EndsWith("/audits/latest", request.RequestUri!.AbsolutePath, StringComparison.Ordinal);
            Interlocked.Increment(ref asked);
            await Answer.Task.WaitAsync(cancellationToken);
            return new HttpResponseMessage(System.Net.HttpStatusCode.NotFound)
            {
                Content = new StringContent("""{"title":"No audit has run since the service started."}""", System.Text.Encoding.UTF8, "application/problem+json"),
            };
        }
    }

    private static CheckpointView Checkpoint(long size, string status, string? transaction = null, long? block = null, string? error = null) =>
        new(size, new string('a', 64), Taken, status, transaction, block, transaction is null ? null : Taken, error);

    [Fact]
    public void A_mined_anchor_shows_as_confirming_until_it_is_final_and_a_queued_one_shows_why_it_waits()
    {
        audit.Answer.SetResult();
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
