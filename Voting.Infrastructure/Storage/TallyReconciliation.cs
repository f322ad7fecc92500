using Voting.Core.Sharding;
using Voting.Infrastructure.ClickHouse;
using Voting.Infrastructure.MySql;

namespace Voting.Infrastructure.Storage;

/// <summary>
/// Proves the tallies: counts every stored ballot of an election in MySQL (the truth) per state and
/// candidate, and compares with what the tallies say, ClickHouse first. Exact while votes are being
/// stored and shipped: each shard's ballots, running totals and outbox are read from one snapshot,
/// and ClickHouse's rows are matched to the shard's totals by version.
/// </summary>
public sealed class TallyReconciliation(MySqlShardConnections shards, ClickHouseTallyStore tallies)
{
    /// <summary>Ballots per "STATE/candidate" in MySQL.</summary>
    public async Task<Dictionary<string, long>> MySqlCountsAsync(string electionId, CancellationToken cancellationToken)
    {
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        for (var shard = 0; shard < ShardLayout.DatabaseCount; shard++)
        {
            await using var connection = await shards.OpenShardAsync(shard, cancellationToken);
            foreach (var (pair, ballots) in await ShardTallyReads.BallotsAsync(connection, null, electionId, cancellationToken))
            {
                Add(counts, Key(pair), ballots);
            }
        }

        return counts;
    }

    /// <summary>Votes per "STATE/candidate" in ClickHouse: each shard's newest shipped total, summed.</summary>
    public async Task<Dictionary<string, long>> ClickHouseCountsAsync(string electionId, CancellationToken cancellationToken) =>
        (await tallies.CountsAsync(electionId, cancellationToken)).ToDictionary(p => $"{p.Key.State}/{p.Key.Candidate}", p => p.Value, StringComparer.Ordinal);

    /// <summary>Every (state, candidate) whose counts differ; empty when the tallies are exact.</summary>
    public async Task<IReadOnlyList<TallyMismatch>> CompareAsync(string electionId, CancellationToken cancellationToken) =>
        (await ReconcileAsync(electionId, cancellationToken)).Mismatches;

    /// <summary>
    /// The ballots per "STATE/candidate" and every pair whose tallies differ from them. A pair's tally
    /// is what the tallies will say once everything stored is shipped, from what ClickHouse holds:
    /// <list type="bullet">
    /// <item>ClickHouse's row where it has the shard's version of the total (and where both disagree
    /// at one version, the one that differs from the shard's ballots);</item>
    /// <item>the shard's newer total where ClickHouse did not have it yet when read (folded or shipped
    /// meanwhile);</item>
    /// <item>ClickHouse's row where it is above the shard's version, or a total the shards do not
    /// hold;</item>
    /// <item>nothing where ClickHouse lacks a version the shard had recorded as shipped before
    /// ClickHouse was read (a row lost or deleted there);</item>
    /// </list>
    /// plus the counts still in the shard's outbox. So every row ClickHouse has is checked as
    /// ClickHouse holds it, and nothing stored while this reads is taken for a difference.
    /// </summary>
    /// <param name="electionId">The election.</param>
    /// <param name="cancellationToken">Cancels the reads.</param>
    /// <param name="shardRead">Called with the number of shard databases read so far, after each (progress on long work).</param>
    public async Task<TallyComparison> ReconcileAsync(string electionId, CancellationToken cancellationToken, Action<int>? shardRead = null)
    {
        // What each shard had recorded as shipped before ClickHouse is read: ClickHouse must have at least that.
        var shippedBefore = await ShardTallyReads.AllTotalsAsync(shards, electionId, cancellationToken);
        var shipped = (await tallies.ShippedTotalsAsync(electionId, cancellationToken))
            .ToDictionary(r => (r.Shard, r.State, r.Candidate));
        var truth = new Dictionary<string, long>(StringComparer.Ordinal);
        var tallied = new Dictionary<string, long>(StringComparer.Ordinal);
        for (var shard = 0; shard < ShardLayout.DatabaseCount; shard++)
        {
            await using var connection = await shards.OpenShardAsync(shard, cancellationToken);
            await using var snapshot = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken);
            var ballots = await ShardTallyReads.BallotsAsync(connection, snapshot, electionId, cancellationToken);
            var totals = await ShardTallyReads.TotalsAsync(connection, snapshot, electionId, forUpdate: false, cancellationToken);
            var pending = await ShardTallyReads.PendingAsync(connection, snapshot, electionId, cancellationToken);
            await snapshot.CommitAsync(cancellationToken);

            foreach (var (pair, count) in ballots)
            {
                Add(truth, Key(pair), count);
            }

            foreach (var (pair, count) in pending)
            {
                Add(tallied, Key(pair), count);
            }

            var pairs = totals.Keys.Union(shipped.Keys.Where(k => k.Shard == shard).Select(k => (k.State, k.Candidate)));
            foreach (var pair in pairs)
            {
                var expected = ballots.GetValueOrDefault(pair) - pending.GetValueOrDefault(pair);
                Add(tallied, Key(pair), Tallied(
                    totals.TryGetValue(pair, out var own) ? own : null,
                    shipped.GetValueOrDefault((shard, pair.State, pair.Candidate)),
                    shippedBefore.GetValueOrDefault((shard, pair.State, pair.Candidate)).ShippedVersion,
                    expected));
            }

            shardRead?.Invoke(shard + 1);
        }

        // Totals under no shard of ours (carried over from per-batch tallies, or written by hand).
        foreach (var row in shipped.Values.Where(r => r.Shard >= ShardLayout.DatabaseCount))
        {
            Add(tallied, $"{row.State}/{row.Candidate}", (long)row.Votes);
        }

        IReadOnlyList<TallyMismatch> mismatches = [.. truth.Keys.Union(tallied.Keys)
            .Order(StringComparer.Ordinal)
            .Select(key => (key, mysql: truth.GetValueOrDefault(key), tally: tallied.GetValueOrDefault(key)))
            .Where(c => c.mysql != c.tally)
            .Select(c => new TallyMismatch(c.key.Split('/')[0], c.key.Split('/', 2)[1], c.mysql, c.tally))];
        return new TallyComparison(truth, mismatches);
    }

    /// <summary>One shard's tally of one pair (see <see cref="ReconcileAsync"/>).</summary>
    internal static long Tallied(RunningTotal? own, ShippedTotal? shipped, ulong shippedBefore, long expected)
    {
        if (shipped is null)
        {
            return shippedBefore > 0 ? 0 : (long)(own?.Votes ?? 0);
        }

        if (own is not { } total || shipped.Version < shippedBefore || shipped.Version > total.Version)
        {
            return (long)shipped.Votes;
        }

        if (shipped.Version < total.Version)
        {
            return (long)total.Votes;
        }

        return shipped.Votes == total.Votes || (long)shipped.Votes != expected ? (long)shipped.Votes : (long)total.Votes;
    }

    private static string Key((string State, string Candidate) pair) => $"{pair.State}/{pair.Candidate}";

    private static void Add(Dictionary<string, long> counts, string key, long value) =>
        counts[key] = counts.GetValueOrDefault(key) + value;
}
