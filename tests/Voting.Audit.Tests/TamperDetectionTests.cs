namespace Voting.Audit.Tests;

public sealed class TamperDetectionTests(AuditFactory factory) : IClassFixture<AuditFactory>
{
    [Fact]
    public async Task A_changed_candidate_and_a_deleted_row_are_each_named_by_the_audit()
    {
        using var client = await factory.StartAsync();
        var election = factory.Elections[1];
        await factory.RecordVotesAsync(election, 120);
        await AnchoringTests.AnchoredAsync(client, election, 120);
        Assert.True((await AnchoringTests.RunAuditAsync(client, election)).Clean, "the audit is clean before tampering");

        var rows = (await factory.StoredBallotsAsync(election)).OrderBy(b => b.LeafIndex).ToList();
        var altered = rows[10];
        var deleted = rows[77];
        var otherCandidate = AuditFactory.Candidates.First(c => c != altered.Candidate);
        await factory.TamperAsync(altered, $"UPDATE `{{table}}` SET candidate = '{otherCandidate}' WHERE ballot_id = @id");
        await factory.TamperAsync(deleted, "DELETE FROM `{table}` WHERE ballot_id = @id");

        var report = await AnchoringTests.RunAuditAsync(client, election);
        Assert.False(report.Clean);
        var alteredAt = $"{altered.Database}.{altered.Table} ballot {Convert.ToHexStringLower(altered.BallotId)}";
        Assert.Contains(report.Findings, f => f.Kind == "ballot-hash-mismatch" && f.Location == alteredAt);
        Assert.Contains(report.Findings, f => f.Kind == "leaf-mismatch" && f.Location == alteredAt);
        Assert.Contains(report.Findings, f => f.Kind == "missing-ballot" && f.Location == $"leaf {deleted.LeafIndex}");
        Assert.Contains(report.Findings, f => f.Kind == "anchor-mismatch");
        Assert.Contains(report.Findings, f => f.Kind == "tally-mismatch" && f.Location == $"tally {altered.State}/{otherCandidate}");
        // Nothing else is blamed: only the two tampered rows are named.
        Assert.All(report.Findings.Where(f => f.Location.Contains(" ballot ", StringComparison.Ordinal)), f => Assert.Equal(alteredAt, f.Location));
        Assert.Single(report.Findings, f => f.Kind == "missing-ballot");
    }
}
