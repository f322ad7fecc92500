using System.Collections.Concurrent;
using Voting.Audit.Anchoring;
using Voting.Core.Audit;
using Voting.Core.Ballots;
using Voting.Core.Merkle;
using Voting.Infrastructure.Storage;

namespace Voting.Audit.Auditing;

/// <summary>
/// Recomputes everything from the stored ballots and compares it with the log, the checkpoints,
/// the chain and the tallies:
/// <list type="number">
/// <item>every ballot row's hash is recomputed from its content and compared with the stored hash;</item>
/// <item>every row must hold a leaf index whose log entry is that hash, and every log entry must have its row;</item>
/// <item>the tree is rebuilt from the recomputed hashes and its root at every anchored size is compared with the chain and the checkpoint table;</item>
/// <item>consecutive on-chain anchors must be consistent (RFC 6962 consistency proof from the log);</item>
/// <item>ClickHouse tallies must equal the counts of ballot rows.</item>
/// </list>
/// Each disagreement is reported with exactly where it is.
/// </summary>
public sealed class AuditRunner(
    StoredBallotReader ballots,
    MerkleLogReader log,
    CheckpointStore checkpoints,
    AnchorContractLocator contracts,
    TallyReconciliation tallies,
    TimeProvider clock)
{
    private readonly ConcurrentDictionary<string, AuditReport> latest = new(StringComparer.Ordinal);

    /// <summary>The newest report of an election, if an audit ran since this service started.</summary>
    public AuditReport? Latest(string electionId) => latest.GetValueOrDefault(electionId);

    public async Task<AuditReport> RunAsync(string electionId, CancellationToken cancellationToken)
    {
        var started = clock.GetUtcNow().UtcDateTime;
        var findings = new List<AuditFinding>();

        // The log as recorded.
        var size = await log.TreeSizeAsync(electionId, cancellationToken);
        var logged = new byte[size][];
        await foreach (var (index, hash) in log.LeavesAsync(electionId, 0, size, cancellationToken))
        {
            logged[index] = hash;
        }

        // The ballots as stored, each hash recomputed from the row's content.
        var rebuilt = new byte[size][];
        var rowAt = new string?[size];
        long rows = 0;
        await foreach (var row in ballots.ReadAllAsync(electionId, cancellationToken))
        {
            rows++;
            var where = $"{row.Database}.{row.Table} ballot {Convert.ToHexStringLower(row.BallotId)}";
            var recomputed = BallotHash.Compute(new Ballot(row.ElectionId, row.State, row.Candidate, row.BallotId));
            if (!recomputed.AsSpan().SequenceEqual(row.BallotHash))
            {
                findings.Add(new AuditFinding("ballot-hash-mismatch", where,
                    $"the row's content ({row.State}, {row.Candidate}) hashes to {Hex(recomputed)}, the row says {Hex(row.BallotHash)}: the row was altered"));
            }

            if (row.LeafIndex is not { } leaf || leaf >= size)
            {
                findings.Add(new AuditFinding("ballot-not-in-log", where,
                    row.LeafIndex is null ? "the row has no leaf index: not in the log (inserted behind the system's back, or stored by an earlier processor version that stopped before its log append)"
                                          : $"leaf index {row.LeafIndex} is beyond the log's size {size}"));
                continue;
            }

            if (rowAt[leaf] is { } other)
            {
                findings.Add(new AuditFinding("duplicate-leaf-index", where, $"leaf {leaf} is also claimed by {other}"));
                continue;
            }

            rowAt[leaf] = where;
            rebuilt[leaf] = recomputed;
            if (logged[leaf] is { } entry && !entry.AsSpan().SequenceEqual(recomputed))
            {
                findings.Add(new AuditFinding("leaf-mismatch", where,
                    $"the log's leaf {leaf} is {Hex(entry)}, the row's content hashes to {Hex(recomputed)}"));
            }
        }

        var tree = new MerkleTree();
        var logTree = new MerkleTree();
        for (var leaf = 0L; leaf < size; leaf++)
        {
            if (rebuilt[leaf] is null)
            {
                findings.Add(new AuditFinding("missing-ballot", $"leaf {leaf}",
                    $"the log holds ballot {Hex(logged[leaf] ?? [])} at this position but no ballot row has it: the row was deleted (or, at the log's end during processing, its batch is still being stored: the processor appends a batch before writing its rows)"));
            }

            tree.AppendLeafData(rebuilt[leaf] ?? logged[leaf] ?? new byte[BallotHash.Size]);
            logTree.AppendLeafData(logged[leaf] ?? new byte[BallotHash.Size]);
        }

        // Checkpoints as recorded, and as anchored on chain.
        var recorded = await checkpoints.ListAsync(electionId, cancellationToken);
        foreach (var checkpoint in recorded.Where(c => c.TreeSize <= size))
        {
            var root = tree.RootAt(checkpoint.TreeSize);
            if (!root.AsSpan().SequenceEqual(checkpoint.Root))
            {
                findings.Add(new AuditFinding("checkpoint-root-mismatch", $"checkpoint at size {checkpoint.TreeSize}",
                    $"recorded root {Hex(checkpoint.Root)}, rebuilt from the ballots {Hex(root)}"));
            }
        }

        var anchorsChecked = 0;
        var client = await contracts.GetAsync(cancellationToken);
        var anchored = await client.ListAsync(electionId);
        for (var i = 0; i < anchored.Count; i++)
        {
            var anchor = anchored[i];
            var where = $"anchor #{i} (size {anchor.TreeSize}) in contract {client.ContractAddress}";
            if ((long)anchor.TreeSize > size)
            {
                findings.Add(new AuditFinding("anchor-beyond-log", where, $"the chain has a checkpoint of size {anchor.TreeSize} but the log holds {size} leaves: leaves were removed"));
                continue;
            }

            anchorsChecked++;
            var root = tree.RootAt((long)anchor.TreeSize);
            if (!root.AsSpan().SequenceEqual(anchor.Root))
            {
                findings.Add(new AuditFinding("anchor-mismatch", where, $"on-chain root {Hex(anchor.Root)}, rebuilt from the ballots {Hex(root)}"));
            }

            if (i > 0 && anchored[i - 1] is var previous && (long)previous.TreeSize <= size)
            {
                var proof = logTree.ConsistencyProof((long)previous.TreeSize, (long)anchor.TreeSize);
                if (!MerkleProofVerifier.VerifyConsistency((long)previous.TreeSize, (long)anchor.TreeSize, proof, previous.Root, anchor.Root))
                {
                    findings.Add(new AuditFinding("anchors-inconsistent", where,
                        $"the log between sizes {previous.TreeSize} and {anchor.TreeSize} does not prove the later anchor extends the earlier one"));
                }
            }
        }

        foreach (var checkpoint in recorded.Where(c => c.IsAnchored))
        {
            if (!anchored.Any(a => (long)a.TreeSize == checkpoint.TreeSize))
            {
                findings.Add(new AuditFinding("anchor-missing", $"checkpoint at size {checkpoint.TreeSize}",
                    $"recorded as anchored in transaction {checkpoint.TransactionHash} but the contract {client.ContractAddress} has no such checkpoint"));
            }
        }

        foreach (var mismatch in await tallies.CompareAsync(electionId, cancellationToken))
        {
            findings.Add(new AuditFinding("tally-mismatch", $"tally {mismatch.State}/{mismatch.Candidate}",
                $"ClickHouse counts {mismatch.Tallied}, the ballot rows in MySQL count {mismatch.MySql}"));
        }

        var report = new AuditReport(electionId, started, clock.GetUtcNow().UtcDateTime, rows, size, anchorsChecked, findings);
        latest[electionId] = report;
        return report;
    }

    private static string Hex(byte[] value) => Convert.ToHexStringLower(value);
}
