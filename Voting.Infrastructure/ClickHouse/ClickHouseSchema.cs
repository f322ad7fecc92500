namespace Voting.Infrastructure.ClickHouse;

/// <summary>
/// Tally tables. The processor ships each batch's counts under the batch's id; a batch shipped
/// twice (a crash between shipping and clearing the MySQL outbox) replaces itself, so readers
/// query with <c>FINAL</c> and <c>sum()</c> and see every ballot exactly once. Types are the subset
/// that works on ClickHouse 18.16 and on current servers alike.
/// Secrecy: counts only, never a voter key; the per-minute table has no candidate column.
/// </summary>
public static class ClickHouseSchema
{
    public const int Version = 2;

    /// <summary>Engines of tables created by earlier versions, dropped on upgrade (tallies are derived data, rebuilt from MySQL).</summary>
    public static IReadOnlyDictionary<string, string> Superseded { get; } = new Dictionary<string, string>
    {
        ["tallies"] = "SummingMergeTree",
        ["votes_per_minute"] = "SummingMergeTree",
    };

    public static IEnumerable<string> Statements(string database)
    {
        yield return $"CREATE DATABASE IF NOT EXISTS {database}";
        yield return $"""
            CREATE TABLE IF NOT EXISTS {database}.tallies (
              election_id String,
              state       String,
              candidate   String,
              batch_id    String,
              votes       UInt64
            ) ENGINE = ReplacingMergeTree()
            ORDER BY (election_id, state, candidate, batch_id)
            """;
        yield return $"""
            CREATE TABLE IF NOT EXISTS {database}.votes_per_minute (
              election_id String,
              minute      DateTime('UTC'),
              state       String,
              batch_id    String,
              votes       UInt64
            ) ENGINE = ReplacingMergeTree()
            PARTITION BY toYYYYMMDD(minute)
            ORDER BY (election_id, minute, state, batch_id)
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
