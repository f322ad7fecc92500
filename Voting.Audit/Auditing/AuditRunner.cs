using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
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
    IOptions<AuditOptions> options,
    TimeProvider clock)
{
    private readonly TimeSpan inFlightPatience = TimeSpan.FromSeconds(options.Value.InFlightSeconds);

    private readonly ConcurrentDictionary<string, AuditReport> latest = new(StringComparer.Ordinal);

    /// <summary>The newest report of an election, if an audit ran since this service started.</summary>
    public AuditReport? Latest(string electionId) => latest.GetValueOrDefault(electionId);

    public async Task<AuditReport> RunAsync(string electionId, CancellationToken cancellationToken)
    {
        var started = clock.GetUtcNow().UtcDateTime;
        var findings = new List<AuditFinding>();

        // Read in the order the system writes, so that what is written while the audit reads is
        // never taken for a disagreement: checkpoints and anchors first (each is of a size the log
        // had reached, and the log only grows), then the ballot rows, then the log (the processor
        // appends a ballot to the log before it stores the row, so every row read has its leaf in
        // the log read after).
        var recorded = await checkpoints.ListAsync(electionId, cancellationToken);
        var client = await contracts.GetAsync(cancellationToken);
        var anchored = await client.ListAsync(electionId);

        // The ballots as stored, each hash recomputed from the row's content. Rows stored while this
        // reads may hold leaves past the log's size when it started; they wait for the log's new size.
        var ballotLog = new BallotLogView(await log.TreeSizeAsync(electionId, cancellationToken));
        var late = new List<(StoredBallot Row, byte[] Recomputed)>();
        long rows = 0;
        await foreach (var row in ballots.ReadAllAsync(electionId, cancellationToken))
        {
            rows++;
            var recomputed = CheckRow(row, findings);
            if (row.LeafIndex is { } leaf)
            {
                if (leaf < ballotLog.Size)
                {
                    Place(row, leaf, recomputed, ballotLog, findings);
                }
                else
                {
                    late.Add((row, recomputed));
                }
            }
        }

        // The log as recorded, read after the rows.
        var size = await log.TreeSizeAsync(electionId, cancellationToken);
        ballotLog.Grow(size);
        await foreach (var (index, hash) in log.LeavesAsync(electionId, 0, size, cancellationToken))
        {
            ballotLog.Logged[index] = hash;
        }

        foreach (var (row, recomputed) in late)
        {
            if (row.LeafIndex!.Value >= size)
            {
                findings.Add(new AuditFinding("ballot-not-in-log", Where(row), $"leaf index {row.LeafIndex} is beyond the log's size {size}"));
            }
            else
            {
                Place(row, row.LeafIndex.Value, recomputed, ballotLog, findings);
            }
        }

        rows += await SettleInFlightAsync(electionId, ballotLog, findings, cancellationToken);

        var tree = new MerkleTree();
        var logTree = new MerkleTree();
        for (var leaf = 0L; leaf < size; leaf++)
        {
            var logged = ballotLog.Logged[leaf];
            var rebuilt = ballotLog.Rebuilt[leaf];
            if (rebuilt is null)
            {
                findings.Add(new AuditFinding("missing-ballot", $"leaf {leaf}",
                    $"the log holds ballot {Hex(logged ?? [])} at this position but no ballot row has it: the row was deleted (or its batch is not stored yet: the processor appends a batch before writing its rows, and this one was still not stored {inFlightPatience.TotalSeconds:0} s after the audit read the log)"));
            }
            else if (logged is not null && !logged.AsSpan().SequenceEqual(rebuilt))
            {
                findings.Add(new AuditFinding("leaf-mismatch", ballotLog.RowAt[leaf]!,
                    $"the log's leaf {leaf} is {Hex(logged)}, the row's content hashes to {Hex(rebuilt)}"));
            }

            tree.AppendLeafData(rebuilt ?? logged ?? new byte[BallotHash.Size]);
            logTree.AppendLeafData(logged ?? new byte[BallotHash.Size]);
        }

        // Checkpoints as recorded, and as anchored on chain.
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

    /// <summary>Leaves without a row looked for again at most (more cannot be a batch in flight: it is reported at once).</summary>
    private const int MaxInFlightLeaves = 250_000;

    /// <summary>
    /// Leaves the log holds with no row read yet are, while the election runs, mostly ballots whose
    /// batch was appended to the log and is being stored: looks their hashes up again until they are
    /// found at their leaf, or <see cref="AuditOptions.InFlightSeconds"/> have passed. Returns the rows found.
    /// </summary>
    private async Task<long> SettleInFlightAsync(string electionId, BallotLogView ballotLog, List<AuditFinding> findings, CancellationToken cancellationToken)
    {
        var deadline = clock.GetUtcNow() + inFlightPatience;
        long found = 0;
        while (true)
        {
            var missing = ballotLog.Missing().Take(MaxInFlightLeaves + 1).ToList();
            if (missing.Count == 0 || missing.Count > MaxInFlightLeaves)
            {
                return found;
            }

            var byHash = new Dictionary<string, long>(StringComparer.Ordinal);
            foreach (var m in missing.Where(m => ballotLog.Logged[m] is not null))
            {
                byHash.TryAdd(Convert.ToHexString(ballotLog.Logged[m]!), m);
            }

            foreach (var row in await ballots.FindByHashesAsync(electionId, [.. missing.Select(m => ballotLog.Logged[m]).OfType<byte[]>()], cancellationToken))
            {
                // Only a row at the very leaf whose hash was looked up: any other was or will be met by the scan.
                if (byHash.TryGetValue(Convert.ToHexString(row.BallotHash), out var leaf) && row.LeafIndex == leaf && ballotLog.RowAt[leaf] is null)
                {
                    found++;
                    Place(row, leaf, CheckRow(row, findings), ballotLog, findings);
                }
            }

            if (!ballotLog.Missing().Any() || clock.GetUtcNow() >= deadline)
            {
                return found;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(500), clock, cancellationToken);
        }
    }

    /// <summary>Checks a row's stored hash against its content, and that it has a leaf index; returns the hash of its content.</summary>
    private static byte[] CheckRow(StoredBallot row, List<AuditFinding> findings)
    {
        var recomputed = BallotHash.Compute(new Ballot(row.ElectionId, row.State, row.Candidate, row.BallotId));
        if (!recomputed.AsSpan().SequenceEqual(row.BallotHash))
        {
            findings.Add(new AuditFinding("ballot-hash-mismatch", Where(row),
                $"the row's content ({row.State}, {row.Candidate}) hashes to {Hex(recomputed)}, the row says {Hex(row.BallotHash)}: the row was altered"));
        }

        if (row.LeafIndex is null)
        {
            findings.Add(new AuditFinding("ballot-not-in-log", Where(row),
                "the row has no leaf index: not in the log (inserted behind the system's back, or stored by an earlier processor version that stopped before its log append)"));
        }

        return recomputed;
    }

    /// <summary>Puts a row at its leaf (within the view), or reports the leaf as claimed twice.</summary>
    private static void Place(StoredBallot row, long leaf, byte[] recomputed, BallotLogView ballotLog, List<AuditFinding> findings)
    {
        if (ballotLog.RowAt[leaf] is { } other)
        {
            findings.Add(new AuditFinding("duplicate-leaf-index", Where(row), $"leaf {leaf} is also claimed by {other}"));
            return;
        }

        ballotLog.RowAt[leaf] = Where(row);
        ballotLog.Rebuilt[leaf] = recomputed;
    }

    private static string Where(StoredBallot row) => $"{row.Database}.{row.Table} ballot {Convert.ToHexStringLower(row.BallotId)}";

    private static string Hex(byte[] value) => Convert.ToHexStringLower(value);
}
