namespace Voting.Infrastructure.ClickHouse;

/// <summary>
/// Tally tables. Each shard ships its running totals (see the MySQL <c>tally_totals</c> and
/// <c>minute_totals</c>) with a version that rises with every change; the tables keep the highest
/// version of each (shard, key), so readers query with <c>FINAL</c> and <c>sum()</c> over shards and
/// see every ballot exactly once, however often or late a row was shipped. The tables hold one row
/// per shard, state and candidate (or minute) once merged: their size follows the ballot and the
/// length of the day, not the number of batches. Types are the subset that works on ClickHouse
/// 18.16 and on current servers alike.
/// Secrecy: counts only, never a voter key; the per-minute table has no candidate column.
/// </summary>
public static class ClickHouseSchema
{
    public const int Version = 3;

    /// <summary>Engines of tables created by version 1, dropped on upgrade (that version kept no way to tell a batch shipped twice).</summary>
    public static IReadOnlyDictionary<string, string> Superseded { get; } = new Dictionary<string, string>
    {
        ["tallies"] = "SummingMergeTree",
        ["votes_per_minute"] = "SummingMergeTree",
    };

    public static IEnumerable<string> Statements(string database)
    {
        yield return $"CREATE DATABASE IF NOT EXISTS {database}";
        yield return $"""
            CREATE TABLE IF NOT EXISTS {database}.tally_totals (
              election_id String,
              shard       UInt8,
              state       String,
              candidate   String,
              votes       UInt64,
              version     UInt64
            ) ENGINE = ReplacingMergeTree(version)
            ORDER BY (election_id, shard, state, candidate)
            """;
        yield return $"""
            CREATE TABLE IF NOT EXISTS {database}.minute_totals (
              election_id String,
              shard       UInt8,
              minute      DateTime('UTC'),
              state       String,
              votes       UInt64,
              version     UInt64
            ) ENGINE = ReplacingMergeTree(version)
            PARTITION BY toYYYYMMDD(minute)
            ORDER BY (election_id, shard, minute, state)
            """;
        yield return $"""
            CREATE TABLE IF NOT EXISTS {database}.schema_migrations (
              version    UInt32,
              applied_at DateTime('UTC')
            ) ENGINE = ReplacingMergeTree()
            ORDER BY version
            """;
    }
}
