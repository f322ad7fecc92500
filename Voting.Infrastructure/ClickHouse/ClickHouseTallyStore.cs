using System.Globalization;
using System.Text.Json;
using ClickHouse.Driver;

namespace Voting.Infrastructure.ClickHouse;

/// <summary>
/// The one client to ClickHouse. Reads go through <c>FORMAT JSONEachRow</c> because the driver's
/// binary reader needs a newer server than 18.16; values are inlined as escaped literals because
/// 18.16 does not take query parameters. Both work on modern servers too.
/// </summary>
public sealed class ClickHouseTallyStore(ClickHouseOptions options) : IDisposable
{
    private readonly ClickHouseClient client = new(options.ConnectionString);

    public ClickHouseOptions Options { get; } = options;

    /// <summary>Runs a statement that returns no rows (DDL, INSERT … SELECT).</summary>
    public Task ExecuteAsync(string sql, CancellationToken cancellationToken) =>
        client.ExecuteNonQueryAsync(sql, null, null, cancellationToken);

    /// <summary>Inserts rows in RowBinary; <paramref name="columnTypes"/> names every column's ClickHouse type.</summary>
    public Task<long> InsertAsync(
        string table,
        IReadOnlyList<string> columns,
        IReadOnlyDictionary<string, string> columnTypes,
        IEnumerable<object[]> rows,
        CancellationToken cancellationToken) =>
        client.InsertBinaryAsync(
            $"{Options.Database}.{table}",
            columns,
            rows,
            new InsertOptions { ColumnTypes = columnTypes, Compressor = null, UseSchemaCache = false },
            cancellationToken);

    /// <summary>Runs a query and returns each row as a JSON object.</summary>
    public async Task<IReadOnlyList<JsonElement>> QueryAsync(string sql, CancellationToken cancellationToken)
    {
        using var result = await client.ExecuteRawResultAsync(sql + " FORMAT JSONEachRow", null, cancellationToken);
        var text = await result.ReadAsStringAsync();
        var rows = new List<JsonElement>();
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            using var document = JsonDocument.Parse(line);
            rows.Add(document.RootElement.Clone());
        }

        return rows;
    }

    /// <summary>Votes per (state, candidate) of an election: the newest version of each shard's running total (FINAL), summed over shards.</summary>
    public async Task<Dictionary<(string State, string Candidate), long>> CountsAsync(string electionId, CancellationToken cancellationToken) =>
        (await CountsByShardAsync(electionId, cancellationToken))
            .GroupBy(p => (p.Key.State, p.Key.Candidate))
            .ToDictionary(g => g.Key, g => g.Sum(p => p.Value));

    /// <summary>Votes per (shard, state, candidate) of an election, each row's newest version (FINAL).</summary>
    public async Task<Dictionary<(int Shard, string State, string Candidate), long>> CountsByShardAsync(string electionId, CancellationToken cancellationToken) =>
        (await ShippedTotalsAsync(electionId, cancellationToken)).ToDictionary(t => (t.Shard, t.State, t.Candidate), t => (long)t.Votes);

    /// <summary>Each running total of an election ClickHouse reads (FINAL: per shard and pair, the row of the highest version), with that version.</summary>
    public async Task<IReadOnlyList<ShippedTotal>> ShippedTotalsAsync(string electionId, CancellationToken cancellationToken)
    {
        var rows = await QueryAsync(
            $"SELECT shard, state, candidate, votes, version FROM {Options.Database}.tally_totals FINAL " +
            $"WHERE election_id = {Literal(electionId)}",
            cancellationToken);
        return [.. rows.Select(row => new ShippedTotal(
            row.GetProperty("shard").GetInt32(),
            row.GetProperty("state").GetString()!,
            row.GetProperty("candidate").GetString()!,
            ulong.Parse(row.GetProperty("votes").ToString(), CultureInfo.InvariantCulture),
            ulong.Parse(row.GetProperty("version").ToString(), CultureInfo.InvariantCulture)))];
    }

    /// <summary>
    /// Deletes an election's running-total rows matching <paramref name="rows"/> (each: a shard and
    /// pair, every version from <c>FromVersion</c> up) and waits until ClickHouse has applied the
    /// deletion (a mutation, which it runs in the background) to every part, for up to <paramref name="timeout"/>.
    /// </summary>
    public async Task DeleteTotalsAsync(
        string electionId, IReadOnlyCollection<(int Shard, string State, string Candidate, ulong FromVersion)> rows, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (rows.Count == 0)
        {
            return;
        }

        // A few hundred rows per statement: ClickHouse refuses a query text over 256 KiB.
        foreach (var chunk in rows.Chunk(500))
        {
            var which = string.Join(" OR ", chunk.Select(r =>
                $"(shard = {Literal(r.Shard)} AND state = {Literal(r.State)} AND candidate = {Literal(r.Candidate)} AND version >= {r.FromVersion.ToString(CultureInfo.InvariantCulture)})"));
            await ExecuteAsync($"ALTER TABLE {Options.Database}.tally_totals DELETE WHERE election_id = {Literal(electionId)} AND ({which})", cancellationToken);
        }

        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var pending = await QueryAsync(
                $"SELECT count() AS n FROM system.mutations WHERE database = {Literal(Options.Database)} AND table = 'tally_totals' AND is_done = 0",
                cancellationToken);
            if (long.Parse(pending[0].GetProperty("n").ToString(), CultureInfo.InvariantCulture) == 0)
            {
                return;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"ClickHouse has not finished deleting {rows.Count} running total(s) of {electionId} within {timeout.TotalSeconds:0} s.");
            }

            await Task.Delay(100, cancellationToken);
        }
    }

    /// <summary>Votes recorded per minute (UTC) of an election since <paramref name="since"/>, oldest first; minutes without votes are absent.</summary>
    public async Task<IReadOnlyList<(DateTime Minute, long Votes)>> VotesPerMinuteAsync(string electionId, DateTimeOffset since, CancellationToken cancellationToken)
    {
        var rows = await QueryAsync(
            $"SELECT toUnixTimestamp(minute) AS m, sum(votes) AS n FROM {Options.Database}.minute_totals FINAL " +
            $"WHERE election_id = {Literal(electionId)} AND minute >= toDateTime({Literal(since.ToUnixTimeSeconds())}) GROUP BY m ORDER BY m",
            cancellationToken);
        return [.. rows.Select(row => (
            DateTimeOffset.FromUnixTimeSeconds(long.Parse(row.GetProperty("m").ToString(), CultureInfo.InvariantCulture)).UtcDateTime,
            long.Parse(row.GetProperty("n").ToString(), CultureInfo.InvariantCulture)))];
    }

    /// <summary>The server's version string.</summary>
    public async Task<string> VersionAsync(CancellationToken cancellationToken)
    {
        var rows = await QueryAsync("SELECT version() AS v", cancellationToken);
        return rows[0].GetProperty("v").GetString() ?? "";
    }

    /// <summary>A string literal safe to inline in ClickHouse SQL.</summary>
    public static string Literal(string value) =>
        "'" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal) + "'";

    /// <summary>A number literal, culture-invariant.</summary>
    public static string Literal(long value) => value.ToString(CultureInfo.InvariantCulture);

    public void Dispose() => client.Dispose();
}
