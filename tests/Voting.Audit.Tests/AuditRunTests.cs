namespace Voting.Audit.Tests;

/// <summary>How audits run: one at a time per election, and saying how far they got.</summary>
public sealed class AuditRunTests(AuditFactory factory) : IClassFixture<AuditFactory>
{
    /// <summary>
    /// An audit of a whole election reads every row and holds 38 bytes a ballot: an auditor asking
    /// again while one runs (or the schedule coming round) joins it instead of starting a second.
    /// </summary>
    [Fact]
    public async Task An_audit_asked_for_while_one_runs_joins_it_and_says_so_in_the_log()
    {
        using var client = await factory.StartAsync();
        var election = factory.Elections[4];
        await factory.RecordVotesAsync(election, 40);
        await AnchoringTests.AnchoredAsync(client, election, 40);

        // A deleted row keeps the audit looking for it for InFlightSeconds (10 s here), long enough to ask twice.
        var deleted = (await factory.StoredBallotsAsync(election))[7];
        await factory.TamperAsync(deleted, "DELETE FROM `{table}` WHERE ballot_id = @id");
        var first = AnchoringTests.RunAuditAsync(client, election);
        await Task.Delay(TimeSpan.FromMilliseconds(500));
        var second = AnchoringTests.RunAuditAsync(client, election);
        var (one, other) = (await first, await second);

        Assert.Equal(one.StartedAt, other.StartedAt);
        Assert.Equal(one.FinishedAt, other.FinishedAt);
        Assert.True(one.FinishedAt - one.StartedAt >= TimeSpan.FromSeconds(2.5), $"the audit took {one.FinishedAt - one.StartedAt}");
        Assert.Single(one.Findings, f => f.Kind == "missing-ballot" && f.Location == $"leaf {deleted.LeafIndex}");

        // Once it finished, asking again starts a new audit.
        var third = await AnchoringTests.RunAuditAsync(client, election);
        Assert.True(third.StartedAt >= one.FinishedAt, $"{one.StartedAt:O} {one.FinishedAt:O} {other.StartedAt:O} {third.StartedAt:O} {third.FinishedAt:O}");

        var lines = factory.Logs.GetSnapshot().Select(r => r.Message).Where(m => m.StartsWith($"Audit of {election}", StringComparison.Ordinal)).ToList();
        var log = string.Join("\n", lines);
        Assert.True(lines.Count(l => l.StartsWith($"Audit of {election} started: 40 log leaves,", StringComparison.Ordinal)) == 2, log);
        Assert.True(lines.Count(l => l.StartsWith($"Audit of {election}: all 39 ballot rows read in ", StringComparison.Ordinal)) == 2, log);
        Assert.True(lines.Count(l => l.StartsWith($"Audit of {election} finished in ", StringComparison.Ordinal) && l.EndsWith(": 39 ballot rows, 40 leaves (0 void, 0 past the size it began at with no row yet, left for the next), " + one.AnchorsChecked + " anchors, " + one.Findings.Count + " findings", StringComparison.Ordinal)) == 2, log);
    }
}
