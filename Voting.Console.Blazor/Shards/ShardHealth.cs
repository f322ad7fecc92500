namespace Voting.Console.Blazor.Shards;

/// <summary>One shard database at one moment.</summary>
/// <param name="Shard">Shard number, 0..15.</param>
/// <param name="Database">Database name.</param>
/// <param name="Error">Why it could not be read, or null when it answered.</param>
/// <param name="LatencyMilliseconds">Round trip of a trivial query.</param>
/// <param name="BallotRowsPerTable">Ballot rows in each of its 64 tables (empty when unreachable).</param>
/// <param name="RowsPerSecond">Ballot rows written per second since the previous reading.</param>
public sealed record ShardHealth(int Shard, string Database, string? Error, double LatencyMilliseconds, IReadOnlyList<long> BallotRowsPerTable, double RowsPerSecond)
{
    public bool Reachable => Error is null;

    public long BallotRows => BallotRowsPerTable.Sum();
}
