using Voting.Infrastructure.Storage;

namespace Voting.Audit.Tests;

/// <summary>
/// Appenders fill their log ranges at the same time, and a range never filled (its appender crashed)
/// is voided. Neither may look like tampering to an auditor, and a void leaf may not hide any.
/// </summary>
public sealed class VoidLeafAuditTests(AuditFactory factory) : IClassFixture<AuditFactory>
{
    [Fact]
    public async Task Rows_ahead_of_an_open_range_and_void_leaves_are_no_findings_but_a_row_moved_onto_a_void_leaf_is()
    {
        using var client = await factory.StartAsync();
        var election = factory.Elections[5];
        var reservations = new MerkleLogReservations(factory.Shards);
        await factory.RecordVotesAsync(election, 30);

        // An appender takes positions 30-36; 20 ballots are appended and stored after it.
        var crashing = await reservations.ReserveAsync(election, 7, CancellationToken.None);
        Assert.Equal(30, crashing.Reservation.First);
        await factory.RecordVotesAsync(election, 20);

        // The log's size stops at the open range: the rows beyond it are for a later audit.
        var during = await AnchoringTests.RunAuditAsync(client, election);
        Assert.True(during.Clean, Describe(during));
        Assert.Equal((50, 30, 0), (during.BallotRows, during.LogSize, during.VoidLeaves));

        // The appender crashes and its range is voided: the size moves past it, and the audit counts
        // the void leaves without blaming anything.
        // (The audit service's checkpoints release abandoned ranges too, so either may come first.)
        await crashing.DisposeAsync();
        await reservations.ReleaseAbandonedAsync(election, CancellationToken.None);
        Assert.Equal(57, await factory.Log.TreeSizeAsync(election, CancellationToken.None));
        var after = await AnchoringTests.RunAuditAsync(client, election);
        Assert.True(after.Clean, Describe(after));
        Assert.Equal((50, 57, 7), (after.BallotRows, after.LogSize, after.VoidLeaves));

        // A row moved onto a void leaf: the void does not match it, and the leaf it left has no row.
        var moved = (await factory.StoredBallotsAsync(election)).First(b => b.LeafIndex < 30);
        await factory.TamperAsync(moved, "UPDATE `{table}` SET leaf_index = 33 WHERE ballot_id = @id");
        var tampered = await AnchoringTests.RunAuditAsync(client, election);
        var movedAt = $"{moved.Database}.{moved.Table} ballot {Convert.ToHexStringLower(moved.BallotId)[..8]}…";
        Assert.Contains(tampered.Findings, f => f.Kind == "leaf-mismatch" && f.Location == movedAt && f.Detail.Contains("leaf 33", StringComparison.Ordinal));
        Assert.Contains(tampered.Findings, f => f.Kind == "missing-ballot" && f.Location == $"leaf {moved.LeafIndex}");
        Assert.Equal(6, tampered.VoidLeaves);
    }

    private static string Describe(Voting.Core.Audit.AuditReport report) =>
        string.Join("; ", report.Findings.Select(f => $"{f.Kind} at {f.Location}: {f.Detail}"));
}
