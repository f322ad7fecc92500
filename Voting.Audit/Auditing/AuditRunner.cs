using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Voting.Audit.Anchoring;
using Voting.Core.Audit;
using Voting.Core.Ballots;
using Voting.Core.Merkle;
using Voting.Core.Results;
using Voting.Infrastructure.Elections;
using Voting.Infrastructure.MySql;
using Voting.Infrastructure.Storage;

namespace Voting.Audit.Auditing;

/// <summary>
/// Recomputes everything from the stored ballots and compares it with the log, the checkpoints,
/// the chain and the tallies:
/// <list type="number">
/// <item>every ballot row's hash is recomputed from its content and compared with the stored hash;</item>
/// <item>every row must hold a leaf index whose log entry is that hash, and every log entry must have its row (but the void leaves of ranges an appender never filled, <see cref="VoidLeaf"/>);</item>
/// <item>the tree is rebuilt from the recomputed hashes and its root at every anchored size is compared with the chain and the checkpoint table (where every recomputed hash is the log's entry at its leaf, this tree is the log's, whose roots are taken as the log is read);</item>
/// <item>the log's own root at every anchored size must be the anchored root, so the log only grew from each anchor to the next (what an RFC 6962 consistency proof from the log shows);</item>
/// <item>ClickHouse tallies must equal the counts of ballot rows;</item>
/// <item>each shard's ballot rows must equal its participation rows in number, per state and hour (<see cref="ParticipationReconciliation"/>).</item>
/// </list>
/// Each disagreement is reported with exactly where it is. The log is read leaf by leaf and roots are
/// accumulated as it goes; what is held for every ballot is <see cref="BallotLogView"/>'s 38 bytes.
/// One audit of an election runs at a time: whoever asks while it runs gets its report. Progress is
/// logged every <see cref="ProgressInterval"/>.
/// </summary>
public sealed partial class AuditRunner(
    StoredBallotReader ballots,
    MerkleLogReader log,
    CheckpointStore checkpoints,
    AnchorContractLocator contracts,
    TallyReconciliation tallies,
    ParticipationReconciliation voters,
    ElectionRegistry elections,
    IOptions<AuditOptions> options,
    TimeProvider clock,
    IHostApplicationLifetime lifetime,
    ILogger<AuditRunner> logger)
{
    /// <summary>How often a running audit logs how far it got.</summary>
    public static readonly TimeSpan ProgressInterval = TimeSpan.FromSeconds(10);

    /// <summary>What a leaf counts as in a root where it has neither a row nor a log entry.</summary>
    private static readonly byte[] NoLeaf = new byte[BallotHash.Size];

    private readonly TimeSpan inFlightPatience = TimeSpan.FromSeconds(options.Value.InFlightSeconds);

    private readonly ConcurrentDictionary<string, AuditReport> latest = new(StringComparer.Ordinal);

    private readonly ConcurrentDictionary<string, Lazy<Task<AuditReport>>> running = new(StringComparer.Ordinal);

    /// <summary>The newest report of an election, if an audit ran since this service started.</summary>
    public AuditReport? Latest(string electionId) => latest.GetValueOrDefault(electionId);

    /// <summary>
    /// Audits the election, or joins the audit of it already running (an audit of a whole election
    /// holds 38 bytes a ballot and reads every row: two at once would only cost twice as much). The
    /// audit runs until it finishes or the service stops, even when no one waits for it any more:
    /// <paramref name="cancellationToken"/> only stops this caller waiting, and the report is then
    /// <see cref="Latest"/>.
    /// </summary>
    public Task<AuditReport> RunAsync(string electionId, CancellationToken cancellationToken)
    {
        var run = running.GetOrAdd(electionId, static (id, self) => new Lazy<Task<AuditReport>>(() => self.RunOnceAsync(id)), this);
        return run.Value.WaitAsync(cancellationToken);
    }

    private async Task<AuditReport> RunOnceAsync(string electionId)
    {
        try
        {
            await Task.Yield();
            return await AuditAsync(electionId, lifetime.ApplicationStopping);
        }
        finally
        {
            running.TryRemove(electionId, out _);
        }
    }

    private async Task<AuditReport> AuditAsync(string electionId, CancellationToken cancellationToken)
    {
        var started = clock.GetUtcNow().UtcDateTime;
        var startedAt = clock.GetTimestamp();
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
        var startSize = ballotLog.Size;
        LogStarted(logger, electionId, ballotLog.Size, recorded.Count, anchored.Count);
        var late = new List<(StoredBallot Row, byte[] Recomputed)>();
        long rows = 0;
        var progress = new AuditProgress(clock);
        await foreach (var row in ballots.ReadAllAsync(electionId, options.Value.ParallelShardReads, cancellationToken))
        {
            rows++;
            if (progress.Due())
            {
                LogRowsRead(logger, electionId, rows, ballotLog.Size, Percent(rows, ballotLog.Size));
            }

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

        // The log's size, read after the rows, and the positions handed out to appenders, read after
        // that: every row read has its leaf below the second. Appenders fill their ranges at the same
        // time, so a row's leaf can lie beyond the size (every position below it filled) while an
        // earlier range is still being filled; such rows are for the next audit.
        var size = await log.TreeSizeAsync(electionId, cancellationToken);
        var reserved = await log.ReservedSizeAsync(electionId, cancellationToken);
        LogAllRowsRead(logger, electionId, rows, clock.GetElapsedTime(startedAt).TotalSeconds, findings.Count);
        ballotLog.Grow(size);
        foreach (var (row, recomputed) in late)
        {
            if (row.LeafIndex!.Value >= reserved)
            {
                findings.Add(new AuditFinding("ballot-not-in-log", Where(row), $"leaf index {row.LeafIndex} is beyond the log's size {size}"));
            }
            else if (row.LeafIndex.Value < size)
            {
                Place(row, row.LeafIndex.Value, recomputed, ballotLog, findings);
            }
        }

        // The log as recorded, read after the rows, leaf by leaf and never held whole: each leaf is
        // compared with the row placed there, and the log's root is taken at every recorded and
        // anchored size.
        var anchoredSizes = anchored.Select(a => (long)a.TreeSize).Where(s => s <= size).ToHashSet();
        var rootSizes = recorded.Select(c => c.TreeSize).Where(s => s <= size).Concat(anchoredSizes).ToHashSet();
        var logRoots = new Dictionary<long, byte[]>();
        var firstDifference = long.MaxValue; // the first leaf whose row hashes to other than what the log holds there
        var logRoot = new MerkleRootAccumulator();
        progress = new AuditProgress(clock);
        var unplaced = new Dictionary<long, byte[]?>(); // leaves no row claims yet: the ballot hash the log holds there (null: no log entry)
        var voids = new HashSet<long>(); // leaves of ranges an appender never filled: no row belongs there
        void Visit(byte[]? logged)
        {
            var leaf = logRoot.Size;
            if (ballotLog.HasRow(leaf))
            {
                if (!CompareWithLog(leaf, logged, ballotLog, findings))
                {
                    firstDifference = Math.Min(firstDifference, leaf);
                }
            }
            else if (logged is not null && VoidLeaf.Is(electionId, leaf, logged))
            {
                voids.Add(leaf);
            }
            else
            {
                unplaced[leaf] = logged;
            }

            logRoot.AppendLeafData(logged ?? NoLeaf);
            if (rootSizes.Contains(logRoot.Size))
            {
                logRoots[logRoot.Size] = logRoot.Root();
            }

            if (progress.Due())
            {
                LogLeavesCompared(logger, electionId, logRoot.Size, size, Percent(logRoot.Size, size));
            }
        }

        logRoots[0] = logRoot.Root();
        await foreach (var (index, hash) in log.LeavesAsync(electionId, 0, size, cancellationToken))
        {
            while (logRoot.Size < index)
            {
                Visit(null);
            }

            Visit(hash);
        }

        while (logRoot.Size < size)
        {
            Visit(null);
        }

        var (settled, settledDifference) = await SettleInFlightAsync(electionId, ballotLog, unplaced, startSize, findings, cancellationToken);
        rows += settled;
        firstDifference = Math.Min(firstDifference, settledDifference);
        // A leaf at or past the size the audit began at (filled while the rows were read, or beyond a
        // range still open then) may have its row stored in a table already read, or not yet: while
        // votes are cast that is most of them, and no sign of anything. The next audit, which starts
        // past it, checks it; this one counts it. A log position with no entry at all is a
        // finding wherever it is.
        long deferred = 0;
        foreach (var (leaf, logged) in unplaced.OrderBy(u => u.Key))
        {
            if (logged is not null && leaf >= startSize)
            {
                deferred++;
                continue;
            }

            findings.Add(logged is null
                ? new AuditFinding("missing-leaf", $"leaf {leaf}",
                    "the log holds no entry at this position although it holds positions beyond, and no ballot row claims it: the log entry was deleted, and its ballot row with it")
                : new AuditFinding("missing-ballot", $"leaf {leaf}",
                    $"the log holds ballot {Hex(logged)} at this position but no ballot row has it: the row was deleted (or its batch is not stored yet: the processor appends a batch before writing its rows, and this one was still not stored {inFlightPatience.TotalSeconds:0} s after the audit read the log)"));
        }

        // The tree rebuilt from the ballots (a leaf with no row counts as what the log holds there),
        // its root taken at every recorded and anchored size. Where every row hashes to what the log
        // holds at its leaf, the two are one RFC 6962 tree of the same leaf data, and the roots just
        // taken of the log are the rebuilt tree's: it is rebuilt leaf by leaf only when a leaf
        // differs (a finding, or a row whose log entry is missing), so that each checkpoint and
        // anchor is then compared with the root the ballots give.
        var lastNeeded = rootSizes.DefaultIfEmpty(0).Max();
        var rebuiltRoots = firstDifference >= lastNeeded ? logRoots : RebuildRoots(electionId, ballotLog, voids, unplaced, rootSizes, lastNeeded);

        // Checkpoints as recorded, and as anchored on chain.
        foreach (var checkpoint in recorded.Where(c => c.TreeSize <= size))
        {
            var root = rebuiltRoots[checkpoint.TreeSize];
            if (!root.AsSpan().SequenceEqual(checkpoint.Root))
            {
                findings.Add(new AuditFinding("checkpoint-root-mismatch", $"checkpoint at size {checkpoint.TreeSize}",
                    $"recorded root {Hex(checkpoint.Root)}, rebuilt from the ballots {Hex(root)}"));
            }
        }

        // Read before the log, which only grows: a checkpoint the log no longer reaches (queued, or
        // anchored too: the chain's copy is named below) says leaves were removed from its end.
        foreach (var checkpoint in recorded.Where(c => c.TreeSize > size))
        {
            findings.Add(new AuditFinding("checkpoint-beyond-log", $"checkpoint at size {checkpoint.TreeSize}",
                $"a checkpoint of size {checkpoint.TreeSize} was recorded but the log holds {size} leaves: leaves were removed"));
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
            var root = rebuiltRoots[(long)anchor.TreeSize];
            if (!root.AsSpan().SequenceEqual(anchor.Root))
            {
                findings.Add(new AuditFinding("anchor-mismatch", where, $"on-chain root {Hex(anchor.Root)}, rebuilt from the ballots {Hex(root)}"));
            }

            // The log's own root at the anchored size: the same for every anchor means the log only
            // grew from each anchor to the next (what an RFC 6962 consistency proof from the log shows).
            var logged = logRoots[(long)anchor.TreeSize];
            if (!logged.AsSpan().SequenceEqual(anchor.Root))
            {
                findings.Add(new AuditFinding("log-anchor-mismatch", where,
                    $"the log's root at size {anchor.TreeSize} is {Hex(logged)}, the chain holds {Hex(anchor.Root)}: the log has changed since it was anchored"));
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

        // Reports are public: while the polls are open they give a mismatch's size, not the counts, which
        // the results withhold until the close (CandidateCountDisclosure says why).
        var countsWithheldUntil = elections.Find(electionId) is { } election ? CandidateCountDisclosure.WithheldUntil(election, clock.GetUtcNow()) : null;
        foreach (var mismatch in await tallies.CompareAsync(electionId, cancellationToken))
        {
            findings.Add(new AuditFinding("tally-mismatch", $"tally {mismatch.State}/{mismatch.Candidate}", countsWithheldUntil is { } until
                ? $"ClickHouse counts {Math.Abs(mismatch.Tallied - mismatch.MySql)} {(mismatch.Tallied > mismatch.MySql ? "more" : "fewer")} than the ballot rows in MySQL (the counts themselves are given once the polls close, {until.UtcDateTime:yyyy-MM-dd HH:mm} UTC)"
                : $"ClickHouse counts {mismatch.Tallied}, the ballot rows in MySQL count {mismatch.MySql}"));
        }

        // Every ballot row has its voter: a row stuffed in with its leaf (so the log, the tree and the
        // tallies all agree with it) is found here, and so is a voter's record deleted to let them vote again.
        foreach (var mismatch in await voters.CompareAsync(electionId, cancellationToken))
        {
            var difference = Math.Abs(mismatch.Ballots - mismatch.Voters);
            findings.Add(new AuditFinding("participation-mismatch", $"{mismatch.Database} {mismatch.State} {mismatch.Hour:yyyy-MM-dd HH}:00 UTC", mismatch.Ballots > mismatch.Voters
                ? $"{difference} ballot row(s) more than voters recorded: ballots were added without a voter, or voters' participation rows were deleted (which lets them vote again)"
                : $"{difference} voter(s) recorded more than ballot rows: voters were added without a ballot, or ballot rows were deleted"));
        }

        var report = new AuditReport(electionId, started, clock.GetUtcNow().UtcDateTime, rows, size, anchorsChecked, findings) { VoidLeaves = voids.Count, DeferredLeaves = deferred };
        latest[electionId] = report;
        LogFinished(logger, electionId, clock.GetElapsedTime(startedAt).TotalSeconds, rows, size, voids.Count, deferred, anchorsChecked, findings.Count);
        return report;
    }

    /// <summary>
    /// The tree rebuilt leaf by leaf from the ballots (a void leaf as its void data, a leaf with no row
    /// as what the log holds there), its root at each of <paramref name="rootSizes"/>.
    /// </summary>
    private static Dictionary<long, byte[]> RebuildRoots(
        string electionId, BallotLogView ballotLog, HashSet<long> voids, Dictionary<long, byte[]?> unplaced, HashSet<long> rootSizes, long lastNeeded)
    {
        var rebuiltRoot = new MerkleRootAccumulator();
        var rebuiltRoots = new Dictionary<long, byte[]> { [0] = rebuiltRoot.Root() };
        for (var leaf = 0L; leaf < lastNeeded; leaf++)
        {
            rebuiltRoot.AppendLeafData(
                ballotLog.HasRow(leaf) ? ballotLog.Rebuilt(leaf)
                : voids.Contains(leaf) ? VoidLeaf.For(electionId, leaf)
                : unplaced.GetValueOrDefault(leaf) ?? NoLeaf);
            if (rootSizes.Contains(rebuiltRoot.Size))
            {
                rebuiltRoots[rebuiltRoot.Size] = rebuiltRoot.Root();
            }
        }

        return rebuiltRoots;
    }

    /// <summary>Leaves without a row looked for again at most (more cannot be batches in flight: they are reported at once).</summary>
    private const int MaxInFlightLeaves = 250_000;

    /// <summary>
    /// Leaves below <paramref name="startSize"/> (the log's size when the rows began to be read) that
    /// the log holds with no row read are, while the election runs, ballots whose batch was appended
    /// to the log and was still being stored: looks their hashes up again until they are found at
    /// their leaf, or <see cref="AuditOptions.InFlightSeconds"/> have passed. Places and compares what
    /// it finds and takes it out of <paramref name="unplaced"/>; returns the rows found, and the first
    /// of their leaves whose row hashes to other than the log's entry (<see cref="long.MaxValue"/>: none).
    /// </summary>
    private async Task<(long Found, long FirstDifference)> SettleInFlightAsync(
        string electionId, BallotLogView ballotLog, Dictionary<long, byte[]?> unplaced, long startSize, List<AuditFinding> findings, CancellationToken cancellationToken)
    {
        if (unplaced.Keys.Count(leaf => leaf < startSize) > MaxInFlightLeaves)
        {
            return (0, long.MaxValue);
        }

        var deadline = clock.GetUtcNow() + inFlightPatience;
        long found = 0;
        var firstDifference = long.MaxValue;
        while (true)
        {
            var byHash = new Dictionary<Bytes32, long>();
            var hashes = new List<byte[]>();
            foreach (var (leaf, logged) in unplaced)
            {
                if (logged is not null && leaf < startSize && byHash.TryAdd(new Bytes32(logged), leaf))
                {
                    hashes.Add(logged);
                }
            }

            if (byHash.Count == 0)
            {
                return (found, firstDifference);
            }

            foreach (var row in await ballots.FindByHashesAsync(electionId, hashes, cancellationToken))
            {
                // Only a row at the very leaf whose hash was looked up: any other was or will be met by the scan.
                if (byHash.TryGetValue(new Bytes32(row.BallotHash), out var leaf) && row.LeafIndex == leaf && unplaced.Remove(leaf, out var logged))
                {
                    found++;
                    Place(row, leaf, CheckRow(row, findings), ballotLog, findings);
                    if (!CompareWithLog(leaf, logged, ballotLog, findings))
                    {
                        firstDifference = Math.Min(firstDifference, leaf);
                    }
                }
            }

            if (!unplaced.Keys.Any(leaf => leaf < startSize) || clock.GetUtcNow() >= deadline)
            {
                return (found, firstDifference);
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
                // Not the row's state or candidate: where the hash, not the choice, was changed, that is the
                // voter's choice, and the receipt's holder can find this row's leaf from their proof.
                $"the row's content hashes to {Hex(recomputed)}, the row says {Hex(row.BallotHash)}: the row was altered"));
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
        if (!ballotLog.TryPlace(leaf, row, recomputed, out var other))
        {
            findings.Add(new AuditFinding("duplicate-leaf-index", Where(row), $"leaf {leaf} is also claimed by {other}"));
        }
    }

    /// <summary>
    /// Reports a row whose content does not hash to what the log holds at its leaf, or whose leaf the
    /// log holds no entry for; whether the row's hash is the log's entry.
    /// </summary>
    private static bool CompareWithLog(long leaf, byte[]? logged, BallotLogView ballotLog, List<AuditFinding> findings)
    {
        var rebuilt = ballotLog.Rebuilt(leaf);
        if (logged is null)
        {
            // Every position below the log's size was filled before the size reached past it.
            findings.Add(new AuditFinding("missing-leaf", ballotLog.RowAt(leaf),
                $"the row is at leaf {leaf}, and the log holds no entry there although it holds positions beyond: the log entry was deleted"));
            return false;
        }

        if (!rebuilt.SequenceEqual(logged))
        {
            findings.Add(new AuditFinding("leaf-mismatch", ballotLog.RowAt(leaf),
                $"the log's leaf {leaf} is {Hex(logged)}, the row's content hashes to {Hex(rebuilt)}"));
            return false;
        }

        return true;
    }

    private static string Where(StoredBallot row) => BallotLogView.Where(row);

    private static double Percent(long done, long total) => total == 0 ? 100 : Math.Min(100, 100.0 * done / total);

    [LoggerMessage(Level = LogLevel.Information, Message = "Audit of {Election} started: {Leaves} log leaves, {Checkpoints} checkpoints, {Anchors} anchors on chain")]
    private static partial void LogStarted(ILogger logger, string election, long leaves, int checkpoints, int anchors);

    [LoggerMessage(Level = LogLevel.Information, Message = "Audit of {Election}: {Rows} ballot rows read of about {Leaves} ({Percent:0}%)")]
    private static partial void LogRowsRead(ILogger logger, string election, long rows, long leaves, double percent);

    [LoggerMessage(Level = LogLevel.Information, Message = "Audit of {Election}: all {Rows} ballot rows read in {Seconds:0.0} s ({Findings} findings so far); comparing the log")]
    private static partial void LogAllRowsRead(ILogger logger, string election, long rows, double seconds, int findings);

    [LoggerMessage(Level = LogLevel.Information, Message = "Audit of {Election}: {Leaves} of {Size} log leaves compared ({Percent:0}%)")]
    private static partial void LogLeavesCompared(ILogger logger, string election, long leaves, long size, double percent);

    [LoggerMessage(Level = LogLevel.Information, Message = "Audit of {Election} finished in {Seconds:0.0} s: {Rows} ballot rows, {Leaves} leaves ({Voids} void, {Deferred} past the size it began at with no row yet, left for the next), {Anchors} anchors, {Findings} findings")]
    private static partial void LogFinished(ILogger logger, string election, double seconds, long rows, long leaves, int voids, long deferred, int anchors, int findings);

    private static string Hex(ReadOnlySpan<byte> value) => Convert.ToHexStringLower(value);
}
