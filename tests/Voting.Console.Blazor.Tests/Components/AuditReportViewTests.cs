using Bunit;
using Voting.Console.Blazor.Components.Audit;
using Voting.Core.Audit;

namespace Voting.Console.Blazor.Tests.Components;

public sealed class AuditReportViewTests : ComponentTest
{
    [Fact]
    public void A_report_with_findings_lists_each_with_where_and_what()
    {
        var report = new AuditReport("e1", DateTime.UtcNow, DateTime.UtcNow, 100, 100, 3,
        [
            new("ballot-hash-mismatch", "voting_s03.ballots_17 ballot 0a0b", "stored hash differs from the recomputed one"),
            new("tally-mismatch", "OH/harper", "ClickHouse 41, MySQL 40"),
        ]);

        var rendered = Context.Render<AuditReportView>(p => p.Add(v => v.Report, report));

        Assert.Equal("false", rendered.Find("[data-testid=audit-report]").GetAttribute("data-clean"));
        Assert.Contains("2 findings", rendered.Find("[data-testid=audit-verdict]").TextContent, StringComparison.Ordinal);
        Assert.Contains("voting_s03.ballots_17 ballot 0a0b", rendered.Find("[data-kind=ballot-hash-mismatch]").TextContent, StringComparison.Ordinal);
        Assert.Contains("ClickHouse 41, MySQL 40", rendered.Find("[data-kind=tally-mismatch]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void A_clean_report_says_so()
    {
        var rendered = Context.Render<AuditReportView>(p => p.Add(v => v.Report, new AuditReport("e1", DateTime.UtcNow, DateTime.UtcNow, 5, 5, 1, [])));

        Assert.Contains("Clean", rendered.Find("[data-testid=audit-verdict]").TextContent, StringComparison.Ordinal);
        Assert.Empty(rendered.FindAll("[data-kind]"));
        Assert.Empty(rendered.FindAll("[data-testid=void-leaves]"));
        Assert.Empty(rendered.FindAll("[data-testid=deferred-leaves]"));
    }

    [Fact]
    public void Void_leaves_are_counted_on_a_clean_report_and_not_called_findings()
    {
        var report = new AuditReport("e1", DateTime.UtcNow, DateTime.UtcNow, 120, 127, 2, []) { VoidLeaves = 7 };

        var rendered = Context.Render<AuditReportView>(p => p.Add(v => v.Report, report));

        Assert.Contains("Clean", rendered.Find("[data-testid=audit-verdict]").TextContent, StringComparison.Ordinal);
        Assert.Equal("7 void ·", rendered.Find("[data-testid=void-leaves]").TextContent.Trim());
        Assert.Contains("Not a finding", rendered.Find("[data-testid=void-leaves]").GetAttribute("title"), StringComparison.Ordinal);
    }

    [Fact]
    public void Leaves_left_for_the_next_audit_are_counted_on_a_clean_report_and_not_called_findings()
    {
        var report = new AuditReport("e1", DateTime.UtcNow, DateTime.UtcNow, 120, 1_320, 2, []) { DeferredLeaves = 1_200 };

        var rendered = Context.Render<AuditReportView>(p => p.Add(v => v.Report, report));

        Assert.Contains("Clean", rendered.Find("[data-testid=audit-verdict]").TextContent, StringComparison.Ordinal);
        Assert.Equal("1,200 left for the next audit ·", rendered.Find("[data-testid=deferred-leaves]").TextContent.Trim());
        Assert.Contains("Not a finding", rendered.Find("[data-testid=deferred-leaves]").GetAttribute("title"), StringComparison.Ordinal);
    }
}
