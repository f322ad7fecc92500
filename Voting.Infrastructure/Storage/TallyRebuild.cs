using Voting.Core.Sharding;
using Voting.Infrastructure.ClickHouse;
using Voting.Infrastructure.MySql;

namespace Voting.Infrastructure.Storage;

/// <summary>
/// Rebuilds an election's tallies from its stored ballots, the truth that reconciliation compares
/// them with: the repair for what <see cref="TallyReconciliation"/> reports (a running total changed
/// by hand, a shard restored from a backup or rebuilt while ClickHouse kept its rows). It runs while
/// the processor runs, and running it again changes nothing.
/// <list type="number">
/// <item><b>MySQL</b>, one transaction per shard: the election's running totals are locked (folds of
/// the same rows wait), and each becomes the shard's ballots minus the counts still in its outbox,
/// read from one snapshot taken after the lock. Every total is stamped with a version of at least
/// the current time in microseconds, above any version folds count up to (they add one per fold),
/// so it outranks any copy ClickHouse kept from before.</item>
/// <item><b>ClickHouse</b>: the totals are shipped; then any row ClickHouse still reads that the
/// shard does not hold (a version above the shard's, the same version with other votes, or a pair
/// or shard the shards do not have, such as counts carried over from per-batch tallies) is deleted,
/// and the shard's own total shipped again.</item>
/// </list>
/// The votes-per-minute counts are left as they are: the ballots keep only the hour on purpose, so
/// they cannot be recounted by minute.
/// </summary>
public sealed class TallyRebuild(MySqlShardConnections shards, ClickHouseTallyStore tallies, TallyOutbox outbox, TallyReconciliation reconciliation, TimeProvider clock)
{
    /// <summary>How long to wait for ClickHouse to apply a deletion before giving up (the rebuild can be run again).</summary>
    public static readonly TimeSpan DeletionTimeout = TimeSpan.FromSeconds(60);

    /// <summary>Rounds of deleting and reshipping before giving up on a ClickHouse that keeps reading other rows.</summary>
    private const int CleanupRounds = 3;

    public async Task<TallyRebuildReport> RebuildAsync(string electionId, TextWriter progress, CancellationToken cancellationToken)
    {
        var stamp = (ulong)((clock.GetUtcNow().UtcTicks - DateTime.UnixEpoch.Ticks) / TimeSpan.TicksPerMicrosecond);
        var corrected = 0;
        var totals = 0;
        for (var shard = 0; shard < ShardLayout.DatabaseCount; shard++)
        {
            var (rows, changed) = await DeadlockRetry.RunAsync(() => RebuildShardAsync(shard, electionId, stamp, cancellationToken), cancellationToken);
            totals += rows;
            corrected += changed;
            await progress.WriteLineAsync($"shard {shard,2}: {rows} totals, {changed} corrected");
        }

        await outbox.ShipAllAsync(cancellationToken);
        var removed = 0;
        for (var round = 1; ; round++)
        {
            var (foreign, missing) = await CompareWithClickHouseAsync(electionId, cancellationToken);
            if (foreign.Count == 0 && missing.Count == 0)
            {
                break;
            }

            if (round > CleanupRounds)
            {
                throw new InvalidOperationException(
                    $"ClickHouse still differs from the shards in {foreign.Count + missing.Count} running total(s) of {electionId} after {CleanupRounds} rounds; run rebuild-tallies again.");
            }

            // Marked unshipped first, so nothing counts on ClickHouse holding them while they are
            // deleted; the deletion may also catch a shard's own row shipped meanwhile, which the
            // shipping after it sends again.
            foreach (var group in foreign.Where(f => f.Shard < ShardLayout.DatabaseCount).Select(f => (f.Shard, f.State, f.Candidate)).Concat(missing).GroupBy(f => f.Shard))
            {
                await MarkUnshippedAsync(group.Key, electionId, [.. group.Select(f => (f.State, f.Candidate))], cancellationToken);
            }

            if (foreign.Count > 0)
            {
                await tallies.DeleteTotalsAsync(electionId, foreign, DeletionTimeout, cancellationToken);
                removed += foreign.Count;
                await progress.WriteLineAsync($"ClickHouse: deleted {foreign.Count} running total(s) the shards do not hold");
            }

            await outbox.ShipAllAsync(cancellationToken);
        }

        var mismatches = await reconciliation.CompareAsync(electionId, cancellationToken);
        return new TallyRebuildReport(totals, corrected, removed, mismatches);
    }

    /// <summary>Sets the shard's totals of the election to its ballots minus its outbox, stamping every one. Returns the totals and how many changed.</summary>
    private async Task<(int Totals, int Corrected)> RebuildShardAsync(int database, string electionId, ulong stamp, CancellationToken cancellationToken)
    {
        await using var connection = await shards.OpenShardAsync(database, cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken);

        // Locking first: the snapshot of the consistent reads below starts after it, so a fold either
        // committed before (its counts are in the totals read, its outbox rows gone) or waits for this
        // transaction (its outbox rows are still read as pending, and it adds them on top after).
        // The lock covers the election's whole key range, so no fold inserts a new pair meanwhile.
        var current = await ShardTallyReads.TotalsAsync(connection, transaction, electionId, forUpdate: true, cancellationToken);
        var ballots = await ShardTallyReads.BallotsAsync(connection, transaction, electionId, cancellationToken);
        var pending = await ShardTallyReads.PendingAsync(connection, transaction, electionId, cancellationToken);
        var pairs = current.Keys.Union(ballots.Keys).Union(pending.Keys)
            .OrderBy(p => p.State, StringComparer.Ordinal).ThenBy(p => p.Candidate, StringComparer.Ordinal)
            .ToList();
        if (pairs.Count == 0)
        {
            await transaction.CommitAsync(cancellationToken);
            return (0, 0);
        }

        var statement = new ShardStatement();
        var corrected = 0;
        var first = true;
        foreach (var pair in pairs)
        {
            var votes = ballots.GetValueOrDefault(pair) - pending.GetValueOrDefault(pair);
            if (votes < 0)
            {
                throw new InvalidOperationException(
                    $"Shard {database}: the tally outbox holds {pending[pair]} vote(s) of {electionId} {pair.State}/{pair.Candidate} but only {ballots.GetValueOrDefault(pair)} ballot(s) are stored; " +
                    "outbox rows are written with their ballots, so inspect tally_outbox by hand. This shard was not changed.");
            }

            if (!current.TryGetValue(pair, out var was) || (long)was.Votes != votes)
            {
                corrected++;
            }

            statement.Append(first ? "INSERT INTO tally_totals (election_id, state, candidate, votes, version) VALUES (" : ",(")
                .Text(electionId).Append(",").Text(pair.State).Append(",").Text(pair.Candidate).Append(",")
                .Number(votes).Append(",").Number((long)stamp).Append(")");
            first = false;
        }

        statement.Append(" ON DUPLICATE KEY UPDATE votes = VALUES(votes), version = GREATEST(version + 1, VALUES(version))");
        await using (var write = statement.ToCommand(connection, transaction))
        {
            await write.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return (pairs.Count, corrected);
    }

    /// <summary>
    /// Compares what ClickHouse reads for the election with the shards' totals. Foreign: rows that are
    /// not a shard's own (above its version, at its version with other votes, or a pair or shard the
    /// shards do not hold), each with the version from which to delete. Missing: totals a shard has
    /// recorded as shipped that ClickHouse does not read. A version below the shard's is neither (the
    /// shard's newer one is on its way).
    /// </summary>
    private async Task<(List<(int Shard, string State, string Candidate, ulong FromVersion)> Foreign, List<(int Shard, string State, string Candidate)> Missing)> CompareWithClickHouseAsync(
        string electionId, CancellationToken cancellationToken)
    {
        // The shards' records of what was shipped first, then ClickHouse, then the shards' totals:
        // a version only rises, so each read is at least as new as the one before.
        var shippedBefore = await ShardTallyReads.AllTotalsAsync(shards, electionId, cancellationToken);
        var shipped = await tallies.ShippedTotalsAsync(electionId, cancellationToken);
        var held = await ShardTallyReads.AllTotalsAsync(shards, electionId, cancellationToken);

        var foreign = new List<(int, string, string, ulong)>();
        foreach (var row in shipped)
        {
            if (!held.TryGetValue((row.Shard, row.State, row.Candidate), out var own))
            {
                foreign.Add((row.Shard, row.State, row.Candidate, 0));
            }
            else if (row.Version > own.Version || (row.Version == own.Version && row.Votes != own.Votes))
            {
                foreign.Add((row.Shard, row.State, row.Candidate, own.Version));
            }
        }

        var read = shipped.ToDictionary(r => (r.Shard, r.State, r.Candidate), r => r.Version);
        var missing = shippedBefore
            .Where(p => p.Value.ShippedVersion > 0 && read.GetValueOrDefault(p.Key) < p.Value.ShippedVersion)
            .Select(p => p.Key)
            .ToList();
        return (foreign, missing);
    }

    private async Task MarkUnshippedAsync(int database, string electionId, IReadOnlyList<(string State, string Candidate)> pairs, CancellationToken cancellationToken)
    {
        var statement = new ShardStatement();
        foreach (var (state, candidate) in pairs)
        {
            statement.Append("UPDATE tally_totals SET shipped_version = 0 WHERE election_id = ").Text(electionId)
                .Append(" AND state = ").Text(state).Append(" AND candidate = ").Text(candidate).Append(";\n");
        }

        await using var connection = await shards.OpenShardAsync(database, cancellationToken);
        await using var command = statement.ToCommand(connection, null);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
