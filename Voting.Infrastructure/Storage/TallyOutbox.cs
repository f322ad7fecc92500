using MySqlConnector;
using Voting.Core.Sharding;
using Voting.Infrastructure.ClickHouse;
using Voting.Infrastructure.MySql;

namespace Voting.Infrastructure.Storage;

/// <summary>
/// Gets the counts that batches left in each shard's <c>tally_outbox</c> to ClickHouse, in two steps:
/// <list type="number">
/// <item><b>Fold</b>: in one MySQL transaction per shard, add the outbox rows to the shard's running
/// totals (<c>tally_totals</c>, <c>minute_totals</c>), raise each changed row's version, and delete
/// the rows folded. A count is then either in the outbox or in the totals, never both.</item>
/// <item><b>Ship</b>: send the totals rows ClickHouse does not have yet, with their versions, and
/// record how far it has them. ClickHouse keeps the highest version of each row, so a crash before
/// the record (the row goes again) or a slower instance shipping an older copy changes nothing.</item>
/// </list>
/// ClickHouse so receives one row per shard × state × candidate (or minute) however many batches
/// there were, and its queries stay as cheap at the end of the day as at its start.
/// </summary>
public sealed class TallyOutbox(MySqlShardConnections shards, ClickHouseTallyStore tallies)
{
    /// <summary>Outbox rows folded per shard and round; a batch leaves a few dozen (its states × candidates and minutes).</summary>
    public const int MaxRowsPerShip = 50_000;

    internal static readonly string[] TallyColumns = ["election_id", "shard", "state", "candidate", "votes", "version"];
    internal static readonly string[] MinuteColumns = ["election_id", "shard", "minute", "state", "votes", "version"];

    internal static readonly IReadOnlyDictionary<string, string> TallyTypes = new Dictionary<string, string>
    {
        ["election_id"] = "String", ["shard"] = "UInt8", ["state"] = "String", ["candidate"] = "String", ["votes"] = "UInt64", ["version"] = "UInt64",
    };

    internal static readonly IReadOnlyDictionary<string, string> MinuteTypes = new Dictionary<string, string>
    {
        ["election_id"] = "String", ["shard"] = "UInt8", ["minute"] = "DateTime('UTC')", ["state"] = "String", ["votes"] = "UInt64", ["version"] = "UInt64",
    };

    /// <summary>Folds and ships every shard (at start-up, after a crash, and as a periodic sweep).</summary>
    public Task<int> ShipAllAsync(CancellationToken cancellationToken) =>
        ShipAsync(Enumerable.Range(0, ShardLayout.DatabaseCount), cancellationToken);

    /// <summary>
    /// Folds the outboxes of <paramref name="databases"/> into their totals, then ships every totals
    /// row ClickHouse lacks in one insert per table (each insert is a part ClickHouse must merge
    /// later: one per shard would cost it 16 times the work). Returns the outbox rows folded.
    /// </summary>
    public async Task<int> ShipAsync(IEnumerable<int> databases, CancellationToken cancellationToken)
    {
        var list = databases.Distinct().ToList();
        // Two instances folding or recording on one shard can lock outbox and totals rows in crossing
        // orders; InnoDB then rolls one back whole, and it runs again.
        var folded = await Task.WhenAll(list.Select(d => DeadlockRetry.RunAsync(() => FoldAsync(d, cancellationToken), cancellationToken)));
        var unshipped = (await Task.WhenAll(list.Select(d => ReadUnshippedAsync(d, cancellationToken))))
            .Where(u => u.TallyRows.Count + u.MinuteRows.Count > 0)
            .ToList();
        var tallyRows = unshipped.SelectMany(u => u.TallyRows).ToList();
        var minuteRows = unshipped.SelectMany(u => u.MinuteRows).ToList();
        if (tallyRows.Count > 0)
        {
            await tallies.InsertAsync("tally_totals", TallyColumns, TallyTypes, tallyRows, cancellationToken);
        }

        if (minuteRows.Count > 0)
        {
            await tallies.InsertAsync("minute_totals", MinuteColumns, MinuteTypes, minuteRows, cancellationToken);
        }

        await Task.WhenAll(unshipped.Select(u => DeadlockRetry.RunAsync(async () => { await MarkShippedAsync(u, cancellationToken); return 0; }, cancellationToken)));
        return folded.Sum();
    }

    private sealed record Unshipped(int Database, List<object[]> TallyRows, List<object[]> MinuteRows);

    /// <summary>
    /// Reads up to <see cref="MaxRowsPerShip"/> outbox rows in batch order, locked, adds them to the
    /// totals and deletes them, in one transaction. When the limit cuts a batch, that batch is left
    /// for the next round whole, since rows are deleted by batch. Returns the rows folded.
    /// </summary>
    private async Task<int> FoldAsync(int database, CancellationToken cancellationToken)
    {
        await using var connection = await shards.OpenShardAsync(database, cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.ReadCommitted, cancellationToken);
        var rows = new List<(string Batch, string Election, string State, string Candidate, DateTime? Minute, long Votes)>();
        await using (var command = new MySqlCommand(
            $"SELECT batch_id, election_id, state, candidate, minute, votes FROM tally_outbox ORDER BY batch_id LIMIT {MaxRowsPerShip} FOR UPDATE", connection, transaction))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                rows.Add((
                    Convert.ToHexString((byte[])reader[0]), reader.GetString(1), reader.GetString(2), reader.GetString(3),
                    reader.IsDBNull(4) ? null : DateTime.SpecifyKind(reader.GetDateTime(4), DateTimeKind.Utc), reader.GetInt64(5)));
            }
        }

        if (rows.Count == MaxRowsPerShip)
        {
            var cut = rows[^1].Batch;
            rows.RemoveAll(r => r.Batch == cut);
        }

        if (rows.Count == 0)
        {
            return 0;
        }

        var statement = new ShardStatement();
        AppendAdditions(statement, "tally_totals", "candidate", rows.Where(r => r.Minute is null)
            .GroupBy(r => (r.Election, r.State, r.Candidate))
            .OrderBy(g => g.Key.Election, StringComparer.Ordinal).ThenBy(g => g.Key.State, StringComparer.Ordinal).ThenBy(g => g.Key.Candidate, StringComparer.Ordinal)
            .Select(g => (g.Key.Election, g.Key.State, (Action<ShardStatement>)(s => s.Text(g.Key.Candidate)), g.Sum(r => r.Votes))));
        AppendAdditions(statement, "minute_totals", "minute", rows.Where(r => r.Minute is not null)
            .GroupBy(r => (r.Election, r.State, Minute: r.Minute!.Value))
            .OrderBy(g => g.Key.Election, StringComparer.Ordinal).ThenBy(g => g.Key.State, StringComparer.Ordinal).ThenBy(g => g.Key.Minute)
            .Select(g => (g.Key.Election, g.Key.State, (Action<ShardStatement>)(s => s.Time(g.Key.Minute)), g.Sum(r => r.Votes))));

        statement.Append("DELETE FROM tally_outbox WHERE batch_id IN (");
        var first = true;
        foreach (var batch in rows.Select(r => r.Batch).Distinct(StringComparer.Ordinal))
        {
            statement.Append(first ? "" : ",").Bytes(Convert.FromHexString(batch));
            first = false;
        }

        statement.Append(");\n");
        await using (var fold = statement.ToCommand(connection, transaction))
        {
            await fold.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return rows.Count;
    }

    /// <summary>
    /// Appends one statement adding <paramref name="totals"/> (each election, state and key, in key
    /// order so two folders lock rows alike) to <paramref name="table"/>, raising the version of
    /// every row it changes; nothing when there are none.
    /// </summary>
    private static void AppendAdditions(
        ShardStatement statement, string table, string keyColumn, IEnumerable<(string Election, string State, Action<ShardStatement> Key, long Votes)> totals)
    {
        var first = true;
        foreach (var (election, state, key, votes) in totals)
        {
            statement.Append(first ? $"INSERT INTO {table} (election_id, state, {keyColumn}, votes, version) VALUES (" : ",(")
                .Text(election).Append(",").Text(state).Append(",");
            key(statement);
            statement.Append(",").Number(votes).Append(",1)");
            first = false;
        }

        if (!first)
        {
            statement.Append(" ON DUPLICATE KEY UPDATE votes = votes + VALUES(votes), version = version + 1;\n");
        }
    }

    /// <summary>The shard's totals rows whose newest version ClickHouse is not known to have (found by the <c>unshipped</c> index).</summary>
    private async Task<Unshipped> ReadUnshippedAsync(int database, CancellationToken cancellationToken)
    {
        var unshipped = new Unshipped(database, [], []);
        var shard = (byte)database;
        await using var connection = await shards.OpenShardAsync(database, cancellationToken);
        await using var command = new MySqlCommand(
            "SELECT election_id, state, candidate, NULL, votes, version FROM tally_totals WHERE unshipped = 1 UNION ALL " +
            "SELECT election_id, state, '', minute, votes, version FROM minute_totals WHERE unshipped = 1", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var votes = (ulong)reader.GetInt64(4);
            var version = (ulong)reader.GetInt64(5);
            if (reader.IsDBNull(3))
            {
                unshipped.TallyRows.Add([reader.GetString(0), shard, reader.GetString(1), reader.GetString(2), votes, version]);
            }
            else
            {
                unshipped.MinuteRows.Add([reader.GetString(0), shard, DateTime.SpecifyKind(reader.GetDateTime(3), DateTimeKind.Utc), reader.GetString(1), votes, version]);
            }
        }

        return unshipped;
    }

    /// <summary>Records the versions ClickHouse now has; never lowers a record another instance raised meanwhile.</summary>
    private async Task MarkShippedAsync(Unshipped unshipped, CancellationToken cancellationToken)
    {
        var statement = new ShardStatement();
        foreach (var row in unshipped.TallyRows)
        {
            statement.Append("UPDATE tally_totals SET shipped_version = GREATEST(shipped_version, ").Number((long)(ulong)row[5])
                .Append(") WHERE election_id = ").Text((string)row[0]).Append(" AND state = ").Text((string)row[2])
                .Append(" AND candidate = ").Text((string)row[3]).Append(";\n");
        }

        foreach (var row in unshipped.MinuteRows)
        {
            statement.Append("UPDATE minute_totals SET shipped_version = GREATEST(shipped_version, ").Number((long)(ulong)row[5])
                .Append(") WHERE election_id = ").Text((string)row[0]).Append(" AND state = ").Text((string)row[3])
                .Append(" AND minute = ").Time((DateTime)row[2]).Append(";\n");
        }

        await using var connection = await shards.OpenShardAsync(unshipped.Database, cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.ReadCommitted, cancellationToken);
        await using (var command = statement.ToCommand(connection, transaction))
        {
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }
}
