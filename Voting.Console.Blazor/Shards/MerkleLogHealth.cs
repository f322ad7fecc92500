namespace Voting.Console.Blazor.Shards;

/// <summary>The Merkle log database at one moment (on its own server, or on shard 0's).</summary>
/// <param name="Database">Database name.</param>
/// <param name="Error">Why it could not be read, or null when it answered.</param>
/// <param name="LatencyMilliseconds">Round trip of a trivial query.</param>
/// <param name="Leaves">Leaves of every election's log, every position below each log's size filled.</param>
/// <param name="OpenRanges">Ranges handed to appenders and not filled yet; one held for long is an appender stuck or gone.</param>
/// <param name="OldestOpenRangeSeconds">Age of the oldest open range, 0 when none is open.</param>
public sealed record MerkleLogHealth(string Database, string? Error, double LatencyMilliseconds, long Leaves, int OpenRanges, double OldestOpenRangeSeconds)
{
    public bool Reachable => Error is null;
}
