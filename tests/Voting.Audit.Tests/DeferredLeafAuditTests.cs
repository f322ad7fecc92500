using System.Globalization;
using Voting.Core.Audit;
using Voting.Core.Ballots;
using Voting.Core.Identity;
using Voting.Infrastructure.MySql;
using Voting.Infrastructure.Storage;

namespace Voting.Audit.Tests;

/// <summary>
/// While votes are cast the log grows under a running audit, and the row of a leaf it gained may be
/// stored after the audit read that row's table, or (a processor restarting between its append and
/// its write) not yet at all. On a national scale that is hundreds of thousands of leaves an audit:
/// each reported as a deleted ballot, they would be false alarms on election night.
/// </summary>
public sealed class DeferredLeafAuditTests(AuditFactory factory) : IClassFixture<AuditFactory>
{
    [Fact]
    public async Task Leaves_the_log_gains_during_an_audit_without_their_rows_are_left_for_the_next_audit_and_found_by_it()
    {
        using var client = await factory.StartAsync();
        var election = factory.Elections[0];
        await factory.RecordVotesAsync(election, 30);

        // A processor that appends batches to the log and never gets to write their rows, all through an audit.
        var appender = new MerkleLogAppender(factory.Shards);
        var rowless = new List<long>();
        using var stop = new CancellationTokenSource();
        var appending = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var batch = Enumerable.Range(0, 5).Select(_ => Vote(election)).ToList();
                var appended = await appender.AppendAsync(batch, CancellationToken.None);
                lock (rowless)
                {
                    rowless.AddRange(batch.Select(v => appended.Positions[new Bytes32(v.BallotHash)]));
                }
            }
        });
        AuditReport during;
        try
        {
            during = await AnchoringTests.RunAuditAsync(client, election);
        }
        finally
        {
            await stop.CancelAsync();
            await appending;
        }

        // Only leaves the log held when the audit began are blamed (appended before it read the log's
        // size, their rows are overdue); the others are counted and left for the next audit. Every leaf
        // past the 30 recorded ones is rowless, so the deferred ones are the log's last.
        var start = during.LogSize - during.DeferredLeaves;
        var inLog = rowless.Where(leaf => leaf < during.LogSize).ToList();
        Assert.True(during.DeferredLeaves > 0, Describe(during));
        Assert.All(during.Findings, f => Assert.Equal("missing-ballot", f.Kind));
        Assert.Equal(inLog.Where(leaf => leaf < start).Order(), during.Findings.Select(Leaf).Order());
        Assert.Equal(inLog.Count(leaf => leaf >= start), during.DeferredLeaves);

        // The next audit starts past them: each is a missing ballot now (its row never came).
        var next = await AnchoringTests.RunAuditAsync(client, election);
        Assert.Equal(0, next.DeferredLeaves);
        Assert.All(next.Findings, f => Assert.Equal("missing-ballot", f.Kind));
        Assert.Equal(rowless.Order(), next.Findings.Select(Leaf).Order());
    }

    private static long Leaf(AuditFinding finding) => long.Parse(finding.Location["leaf ".Length..], CultureInfo.InvariantCulture);

    private static VoteMessage Vote(string election)
    {
        var ballot = Ballot.New(election, "OH", AuditFactory.Candidates[0]);
        return new VoteMessage(VoteMessage.CurrentVersion, election, VoterPseudonym.Compute(new byte[32], election, Guid.NewGuid().ToString("N")), ballot.State,
            ballot.Candidate, ballot.BallotId, BallotHash.Compute(ballot), DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
    }

    private static string Describe(AuditReport report) =>
        $"{report.BallotRows} rows, log {report.LogSize}, {report.DeferredLeaves} deferred: " + string.Join("; ", report.Findings.Select(f => $"{f.Kind} at {f.Location}: {f.Detail}"));
}
