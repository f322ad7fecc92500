using MySqlConnector;
using Voting.Core.Geography;
using Voting.Core.Merkle;
using Voting.Infrastructure.Storage;

namespace Voting.Audit.Tests;

/// <summary>What an audit names when the record of checkpoints, or a ballot's state, is rewritten.</summary>
public sealed class CheckpointTamperTests(AuditFactory factory) : IClassFixture<AuditFactory>
{
    [Fact]
    public async Task A_rewritten_checkpoint_root_is_named_and_nothing_else()
    {
        using var client = await factory.StartAsync();
        var election = factory.Elections[0];
        await factory.AnchoredAndCleanAsync(client, election, 60);

        await ExecuteOnLogAsync("UPDATE checkpoints SET root = @r WHERE election_id = @e AND tree_size = 60", election, ("@r", new byte[32]));

        var report = await AnchoringTests.RunAuditAsync(client, election);
        var finding = Assert.Single(report.Findings);
        Assert.Equal(("checkpoint-root-mismatch", "checkpoint at size 60"), (finding.Kind, finding.Location));
        Assert.StartsWith($"recorded root {new string('0', 64)}, rebuilt from the ballots ", finding.Detail, StringComparison.Ordinal);
        Assert.Equal((60, 60, 1), (report.BallotRows, report.LogSize, report.AnchorsChecked));
    }

    [Fact]
    public async Task A_checkpoint_recorded_as_anchored_that_the_chain_does_not_hold_is_named_and_nothing_else()
    {
        using var client = await factory.StartAsync();
        var election = factory.Elections[1];
        var rows = await factory.AnchoredAndCleanAsync(client, election, 60);

        // A checkpoint of size 30 with the log's true root there, recorded as anchored and final in a
        // transaction that never anchored it: the chain holds size 60 only.
        var tree = new MerkleTree();
        foreach (var row in rows)
        {
            tree.AppendLeafData(row.BallotHash);
        }

        await ExecuteOnLogAsync(
            """
            INSERT INTO checkpoints (election_id, tree_size, root, created_at, tx_hash, block_number, anchored_at, final_at)
            VALUES (@e, 30, @r, UTC_TIMESTAMP(3), @x, 1, UTC_TIMESTAMP(3), UTC_TIMESTAMP(3))
            """,
            election, ("@r", tree.RootAt(30)), ("@x", "0x" + new string('d', 64)));

        var report = await AnchoringTests.RunAuditAsync(client, election);
        var finding = Assert.Single(report.Findings);
        Assert.Equal(("anchor-missing", "checkpoint at size 30"), (finding.Kind, finding.Location));
        Assert.Contains($"recorded as anchored in transaction 0x{new string('d', 64)} but the contract", finding.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_ballot_moved_to_another_state_is_named_with_both_states_tallies()
    {
        using var client = await factory.StartAsync();
        var election = factory.Elections[2];
        var rows = await factory.AnchoredAndCleanAsync(client, election, 60);

        var moved = rows[17];
        var elsewhere = UsStates.All.Select(s => s.Code).First(code => code != moved.State);
        await factory.TamperAsync(moved, $"UPDATE `{{table}}` SET state = '{elsewhere}' WHERE ballot_id = @id");

        var report = await AnchoringTests.RunAuditAsync(client, election);
        var findings = string.Join("\n", report.Findings.Select(f => $"{f.Kind} @ {f.Location}: {f.Detail}"));
        var movedAt = $"{moved.Database}.{moved.Table} ballot {Convert.ToHexStringLower(moved.BallotId)[..8]}…";
        Assert.True(report.Findings.Any(f => f.Kind == "ballot-hash-mismatch" && f.Location == movedAt), findings);
        Assert.True(report.Findings.Any(f => f.Kind == "tally-mismatch" && f.Location == $"tally {moved.State}/{moved.Candidate}"), findings);
        Assert.True(report.Findings.Any(f => f.Kind == "tally-mismatch" && f.Location == $"tally {elsewhere}/{moved.Candidate}"), findings);
        Assert.All(report.Findings.Where(f => f.Location.Contains(" ballot ", StringComparison.Ordinal)), f => Assert.Equal(movedAt, f.Location));
    }

    [Fact]
    public async Task Leaves_cut_from_the_logs_end_are_named_by_the_anchor_beyond_the_log_and_each_ballot_left_without_its_leaf()
    {
        using var client = await factory.StartAsync();
        var election = factory.Elections[3];
        var rows = await factory.AnchoredAndCleanAsync(client, election, 60);

        // A checkpoint taken and queued for anchoring (the chain was away), then the log's last 20 of
        // 70 leaves removed and its size set back, as if it had never held them.
        await new CheckpointStore(factory.Shards).AddAsync(election, 70, new byte[32], DateTime.UtcNow, CancellationToken.None);
        await ExecuteOnLogAsync("DELETE FROM merkle_leaves WHERE election_id = @e AND leaf_index >= 40", election, rowsChanged: 20);
        await ExecuteOnLogAsync("UPDATE merkle_heads SET tree_size = 40, reserved_size = 40 WHERE election_id = @e", election);

        var report = await AnchoringTests.RunAuditAsync(client, election);
        var findings = string.Join("\n", report.Findings.Select(f => $"{f.Kind} @ {f.Location}: {f.Detail}"));
        Assert.Equal((60, 40), (report.BallotRows, report.LogSize));
        var beyond = Assert.Single(report.Findings, f => f.Kind == "anchor-beyond-log");
        Assert.Contains("(size 60)", beyond.Location, StringComparison.Ordinal);
        Assert.Equal("the chain has a checkpoint of size 60 but the log holds 40 leaves: leaves were removed", beyond.Detail);
        Assert.Equal(
            rows.Skip(40).Select(r => $"{r.Database}.{r.Table} ballot {Convert.ToHexStringLower(r.BallotId)[..8]}…").Order(),
            report.Findings.Where(f => f.Kind == "ballot-not-in-log").Select(f => f.Location).Order());
        // Each checkpoint the log no longer reaches, the anchored one and the queued one alike.
        Assert.Equal(
            ["checkpoint at size 60", "checkpoint at size 70"],
            report.Findings.Where(f => f.Kind == "checkpoint-beyond-log").Select(f => f.Location).Order());
        Assert.True(report.Findings.All(f => f.Kind is "anchor-beyond-log" or "checkpoint-beyond-log" or "ballot-not-in-log"), findings);

        // No proof is served against the anchored tree the log no longer holds: a 503 that says so.
        var kept = rows.First(r => r.LeafIndex < 40);
        using var proof = await client.GetAsync(new Uri($"/api/v1/audit/receipts/{Convert.ToHexStringLower(kept.BallotHash)}/proof", UriKind.Relative));
        var problem = await proof.Content.ReadAsStringAsync();
        Assert.True(proof.StatusCode == System.Net.HttpStatusCode.ServiceUnavailable, $"{(int)proof.StatusCode}: {problem}");
        Assert.Contains("\"type\":\"urn:voting:problem:log-shorter-than-anchor\"", problem, StringComparison.Ordinal);
    }

    private async Task ExecuteOnLogAsync(string sql, string election, params (string Name, object Value)[] parameters) =>
        await ExecuteOnLogAsync(sql, election, 1, parameters);

    private async Task ExecuteOnLogAsync(string sql, string election, int rowsChanged, params (string Name, object Value)[] parameters)
    {
        await using var connection = await factory.Shards.OpenLogAsync(CancellationToken.None);
        await using var command = new MySqlCommand(sql, connection);
        command.Parameters.AddWithValue("@e", election);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        Assert.Equal(rowsChanged, await command.ExecuteNonQueryAsync());
    }
}
