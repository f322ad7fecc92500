using System.Globalization;

namespace Voting.Core.Sharding;

/// <summary>
/// The fixed physical layout of the ballot store: 16 databases, each with 64 tables of each kind.
/// Changing these numbers is a data migration, not a configuration change.
/// </summary>
public static class ShardLayout
{
    public const int DatabaseCount = 16;
    public const int TablesPerDatabase = 64;

    /// <summary>Name of shard database <paramref name="database"/>: voting_s00 … voting_s15 after the prefix.</summary>
    public static string DatabaseName(string prefix, int database)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(database);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(database, DatabaseCount);
        return prefix + database.ToString("00", CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// The database of the elections' Merkle logs (leaves in order, tree heads, checkpoints), on a
    /// server of its own when one is configured, else on shard 0's: <c>voting_slog</c> after the
    /// prefix <c>voting_s</c>.
    /// </summary>
    public static string LogDatabaseName(string prefix) => prefix + "log";

    /// <summary>One-person-one-vote table: voter pseudonyms, never a choice.</summary>
    public static string ParticipationTable(int table) => "participation_" + TableSuffix(table);

    /// <summary>Ballot table: choices, never a voter key.</summary>
    public static string BallotTable(int table) => "ballots_" + TableSuffix(table);

    private static string TableSuffix(int table)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(table);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(table, TablesPerDatabase);
        return table.ToString("00", CultureInfo.InvariantCulture);
    }
}
