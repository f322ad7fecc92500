namespace Voting.Infrastructure.ClickHouse;

/// <summary>
/// Tally tables. Both are summing tables the processor adds deltas to after each MySQL commit;
/// readers query with <c>sum()</c> so unmerged parts never show. Types are the subset that works on
/// ClickHouse 18.16 and on current servers alike.
/// Secrecy: counts only, never a voter key; the per-minute table has no candidate column.
/// </summary>
public static class ClickHouseSchema
{
    public const int Version = 1;

    public static IEnumerable<string> Statements(string database)
    {
        yield return $"CREATE DATABASE IF NOT EXISTS {database}";
        yield return $"""
            CREATE TABLE IF NOT EXISTS {database}.tallies (
              election_id String,
              state       String,
              candidate   String,
              votes       UInt64
            ) ENGINE = SummingMergeTree(votes)
            ORDER BY (election_id, state, candidate)
            """;
        yield return $"""
            CREATE TABLE IF NOT EXISTS {database}.votes_per_minute (
              election_id String,
              minute      DateTime('UTC'),
              state       String,
              votes       UInt64
            ) ENGINE = SummingMergeTree(votes)
            PARTITION BY toYYYYMMDD(minute)
            ORDER BY (election_id, minute, state)
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
