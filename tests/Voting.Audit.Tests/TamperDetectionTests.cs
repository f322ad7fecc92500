using Voting.Core.Ballots;
using Voting.Infrastructure.Storage;
using Voting.TestSupport;

namespace Voting.Audit.Tests;

public sealed class TamperDetectionTests(AuditFactory factory) : IClassFixture<AuditFactory>
{
    /// <summary>
    /// Auditors run audits while the election runs: ballots being appended, stored and tallied while
    /// the audit reads must never show as findings (false alarms on election night).
    /// </summary>
    [Fact]
    public async Task An_audit_while_ballots_are_being_stored_finds_nothing()
    {
        using var client = await factory.StartAsync();
        var election = factory.Elections[2];
        await factory.RecordVotesAsync(election, 60);
        using var stop = new CancellationTokenSource();
        var recording = Task.Run(async () =>
        {
            var batches = 0;
            while (!stop.IsCancellationRequested || batches < 10)
            {
                await factory.RecordVotesAsync(election, 40);
                batches++;
            }

            return batches;
        });
        var read = new List<long>();
        // Six audits at least, and until two of them saw different rows (the writes overlapped them).
        for (var audit = 1; audit <= 6 || (read[^1] == read[0] && audit <= 30); audit++)
        {
            var report = await AnchoringTests.RunAuditAsync(client, election);
            Assert.True(report.Clean, $"audit {audit} of {report.BallotRows} rows, log size {report.LogSize}: " + string.Join("; ", report.Findings.Select(f => $"{f.Kind} at {f.Location}: {f.Detail}")));
            Assert.True(report.BallotRows >= 60 && report.LogSize >= report.BallotRows - 40, $"audit {audit} read {report.BallotRows} rows of a log of {report.LogSize}");
            read.Add(report.BallotRows);
        }

        await stop.CancelAsync();
        var batches = await recording;
        Assert.True(batches >= 10);
        Assert.True(read[^1] > read[0], $"the audits read {string.Join(", ", read)} rows while ballots were being stored");
        var last = await AnchoringTests.RunAuditAsync(client, election);
        Assert.True(last.Clean, "the audit is clean once recording stopped");
        Assert.Equal((60 + (40L * batches), 60 + (40L * batches)), (last.BallotRows, last.LogSize));
    }

    [Fact]
    public async Task A_changed_candidate_and_a_deleted_row_are_each_named_by_the_audit()
    {
        using var client = await factory.StartAsync();
        var election = factory.Elections[1];
        var rows = await factory.AnchoredAndCleanAsync(client, election, 120);

        var altered = rows[10];
        var deleted = rows[77];
        var otherCandidate = AuditFactory.Candidates.First(c => c != altered.Candidate);
        await factory.TamperAsync(altered, $"UPDATE `{{table}}` SET candidate = '{otherCandidate}' WHERE ballot_id = @id");
        await factory.TamperAsync(deleted, "DELETE FROM `{table}` WHERE ballot_id = @id");

        var report = await AnchoringTests.RunAuditAsync(client, election);
        Assert.False(report.Clean);
        var alteredAt = $"{altered.Database}.{altered.Table} ballot {Convert.ToHexStringLower(altered.BallotId)[..8]}…";
        Assert.Contains(report.Findings, f => f.Kind == "ballot-hash-mismatch" && f.Location == alteredAt);
        Assert.Contains(report.Findings, f => f.Kind == "leaf-mismatch" && f.Location == alteredAt);
        Assert.Contains(report.Findings, f => f.Kind == "missing-ballot" && f.Location == $"leaf {deleted.LeafIndex}");
        Assert.Contains(report.Findings, f => f.Kind == "anchor-mismatch");
        Assert.Contains(report.Findings, f => f.Kind == "tally-mismatch" && f.Location == $"tally {altered.State}/{otherCandidate}");
        // The polls are open: the mismatch's size, not the counts the results withhold until the close.
        var tally = report.Findings.Single(f => f.Kind == "tally-mismatch" && f.Location == $"tally {altered.State}/{otherCandidate}");
        Assert.StartsWith("ClickHouse counts 1 fewer than the ballot rows in MySQL (the counts themselves are given once the polls close", tally.Detail, StringComparison.Ordinal);
        // Nothing else is blamed: only the two tampered rows are named.
        Assert.All(report.Findings.Where(f => f.Location.Contains(" ballot ", StringComparison.Ordinal)), f => Assert.Equal(alteredAt, f.Location));
        Assert.Single(report.Findings, f => f.Kind == "missing-ballot");

        // The report is public: it names the rows without their whole ballot ids, and a row without its
        // candidate (a receipt's holder finds the row's leaf in their proof).
        var published = string.Join("\n", report.Findings.Select(f => $"{f.Location} {f.Detail}"));
        Assert.DoesNotContain(Convert.ToHexStringLower(altered.BallotId), published, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToHexStringLower(deleted.BallotId), published, StringComparison.Ordinal);
        Assert.All(report.Findings.Where(f => f.Location == alteredAt), f => Assert.True(
            !f.Detail.Contains(altered.Candidate, StringComparison.Ordinal) && !f.Detail.Contains(otherCandidate, StringComparison.Ordinal), f.Detail));
    }

    [Fact]
    public async Task A_leaf_index_set_past_any_log_is_named_and_does_not_stop_the_audit()
    {
        using var client = await factory.StartAsync();
        var election = factory.Elections[6];
        var rows = await factory.AnchoredAndCleanAsync(client, election, 60);

        // The column is unsigned: 2^64 − 1 is a value no signed read could take.
        var moved = rows[21];
        await factory.TamperAsync(moved, "UPDATE `{table}` SET leaf_index = 18446744073709551615 WHERE ballot_id = @id");

        var report = await AnchoringTests.RunAuditAsync(client, election);
        Assert.False(report.Clean);
        var movedAt = $"{moved.Database}.{moved.Table} ballot {Convert.ToHexStringLower(moved.BallotId)[..8]}…";
        Assert.Contains(report.Findings, f => f.Kind == "ballot-not-in-log" && f.Location == movedAt);
        Assert.Contains(report.Findings, f => f.Kind == "missing-ballot" && f.Location == $"leaf {moved.LeafIndex}");
    }

    [Fact]
    public async Task Inserted_ballot_rows_and_a_rewritten_ClickHouse_tally_are_each_named_by_the_audit()
    {
        using var client = await factory.StartAsync();
        var election = factory.Elections[0];
        var rows = await factory.AnchoredAndCleanAsync(client, election, 60);

        // A ballot stuffed into a shard table: a well-formed row (its hash is right) that never went through the log.
        var stuffed = Ballot.New(election, rows[5].State, "reyes");
        await InsertAsync(rows[5], stuffed, leafIndex: null);
        // Another one claiming the leaf of an existing ballot.
        var impostor = Ballot.New(election, rows[9].State, "harper");
        await InsertAsync(rows[9], impostor, leafIndex: rows[9].LeafIndex);
        // The results database rewritten: 500 votes more for one candidate in one state.
        await factory.Tallies.ExecuteAsync(
            $"INSERT INTO {factory.Tallies.Options.Database}.tally_totals (election_id, shard, state, candidate, votes, version) VALUES ('{election}', 200, 'OH', 'morgan', 500, 1)",
            CancellationToken.None);

        var report = await AnchoringTests.RunAuditAsync(client, election);
        Assert.False(report.Clean);
        var findings = string.Join("\n", report.Findings.Select(f => $"{f.Kind} @ {f.Location}"));
        Assert.True(report.Findings.Any(f => f.Kind == "ballot-not-in-log" && f.Location == $"{rows[5].Database}.{rows[5].Table} ballot {Convert.ToHexStringLower(stuffed.BallotId)[..8]}…"), findings);
        Assert.True(report.Findings.Any(f => f.Kind == "duplicate-leaf-index" && f.Location.EndsWith($"ballot {Convert.ToHexStringLower(impostor.BallotId)[..8]}…", StringComparison.Ordinal)
                                             || f.Kind == "duplicate-leaf-index" && f.Detail.Contains(Convert.ToHexStringLower(impostor.BallotId)[..8], StringComparison.Ordinal)), findings);
        Assert.True(report.Findings.Any(f => f.Kind == "tally-mismatch" && f.Location == "tally OH/morgan"), findings);
        Assert.True(report.Findings.Any(f => f.Kind == "tally-mismatch" && f.Location == $"tally {rows[5].State}/reyes"), findings);
    }

    [Fact]
    public async Task A_rewritten_log_entry_is_named_and_the_anchors_show_the_log_changed_not_the_ballots()
    {
        using var client = await factory.StartAsync();
        var election = factory.Elections[3];
        var rows = await factory.AnchoredAndCleanAsync(client, election, 120);

        var rewritten = rows[30];
        await factory.TamperLogAsync(rewritten, "UPDATE merkle_leaves SET ballot_hash = @h WHERE election_id = @e AND leaf_index = @leaf");

        var report = await AnchoringTests.RunAuditAsync(client, election);
        var findings = string.Join("\n", report.Findings.Select(f => $"{f.Kind} @ {f.Location}: {f.Detail}"));
        Assert.False(report.Clean);
        Assert.Equal(120, report.BallotRows);
        var rewrittenAt = $"{rewritten.Database}.{rewritten.Table} ballot {Convert.ToHexStringLower(rewritten.BallotId)[..8]}…";
        Assert.Single(report.Findings, f => f.Kind == "leaf-mismatch");
        Assert.Contains(report.Findings, f => f.Kind == "leaf-mismatch" && f.Location == rewrittenAt && f.Detail.Contains($"leaf {rewritten.LeafIndex} ", StringComparison.Ordinal));
        // The anchor of all 120 leaves no longer matches the log, while the ballots still rebuild every anchored root.
        Assert.True(report.Findings.Any(f => f.Kind == "log-anchor-mismatch" && f.Location.Contains("(size 120)", StringComparison.Ordinal)), findings);
        Assert.True(report.Findings.All(f => f.Kind is "leaf-mismatch" or "log-anchor-mismatch"), findings);
    }

    [Fact]
    public async Task A_deleted_log_entry_is_named_and_the_anchors_show_the_log_changed_not_the_ballots()
    {
        using var client = await factory.StartAsync();
        var election = factory.Elections[4];
        var rows = await factory.AnchoredAndCleanAsync(client, election, 120);

        var orphaned = rows[45];
        await factory.TamperLogAsync(orphaned, "DELETE FROM merkle_leaves WHERE election_id = @e AND leaf_index = @leaf");

        var report = await AnchoringTests.RunAuditAsync(client, election);
        var findings = string.Join("\n", report.Findings.Select(f => $"{f.Kind} @ {f.Location}: {f.Detail}"));
        Assert.False(report.Clean);
        Assert.Equal(120, report.BallotRows);
        var orphanedAt = $"{orphaned.Database}.{orphaned.Table} ballot {Convert.ToHexStringLower(orphaned.BallotId)[..8]}…";
        Assert.True(report.Findings.Any(f => f.Kind == "missing-leaf" && f.Location == orphanedAt && f.Detail.Contains($"leaf {orphaned.LeafIndex},", StringComparison.Ordinal)), findings);
        // The log no longer gives the anchored root of all 120 leaves; the ballots still rebuild every anchored root.
        Assert.True(report.Findings.Any(f => f.Kind == "log-anchor-mismatch" && f.Location.Contains("(size 120)", StringComparison.Ordinal)), findings);
        Assert.True(report.Findings.All(f => f.Kind is "missing-leaf" or "log-anchor-mismatch"), findings);
    }

    [Fact]
    public async Task A_row_deleted_with_its_log_entry_leaves_a_hole_the_audit_names()
    {
        using var client = await factory.StartAsync();
        var election = factory.Elections[5];
        var rows = await factory.AnchoredAndCleanAsync(client, election, 120);

        var erased = rows[60];
        await factory.TamperAsync(erased, "DELETE FROM `{table}` WHERE ballot_id = @id");
        await factory.TamperLogAsync(erased, "DELETE FROM merkle_leaves WHERE election_id = @e AND leaf_index = @leaf");

        var report = await AnchoringTests.RunAuditAsync(client, election);
        var findings = string.Join("\n", report.Findings.Select(f => $"{f.Kind} @ {f.Location}: {f.Detail}"));
        Assert.Equal(119, report.BallotRows);
        Assert.Single(report.Findings, f => f.Kind == "missing-leaf" && f.Location == $"leaf {erased.LeafIndex}" && f.Detail.Contains("no ballot row claims it", StringComparison.Ordinal));
        Assert.DoesNotContain(report.Findings, f => f.Kind == "missing-ballot");
        // Neither the ballots nor the log give the anchored root of all 120 leaves any more, and the tally counts one vote too many.
        Assert.True(report.Findings.Any(f => f.Kind == "anchor-mismatch" && f.Location.Contains("(size 120)", StringComparison.Ordinal)), findings);
        Assert.True(report.Findings.Any(f => f.Kind == "log-anchor-mismatch" && f.Location.Contains("(size 120)", StringComparison.Ordinal)), findings);
        Assert.True(report.Findings.Any(f => f.Kind == "tally-mismatch" && f.Location == $"tally {erased.State}/{erased.Candidate}"), findings);
    }

    /// <summary>Inserts <paramref name="ballot"/> into the ballot table holding <paramref name="beside"/>, hashed correctly.</summary>
    private async Task InsertAsync(StoredBallot beside, Ballot ballot, long? leafIndex)
    {
        var shard = Enumerable.Range(0, 16).Single(s => factory.Shards.DatabaseName(s) == beside.Database);
        await using var connection = await factory.Shards.OpenShardAsync(shard, CancellationToken.None);
        await BallotRows.InsertAsync(connection, new StoredBallot(
            beside.Database, beside.Table, ballot.ElectionId, ballot.BallotId, ballot.State, ballot.Candidate, BallotHash.Compute(ballot), leafIndex));
    }
}
