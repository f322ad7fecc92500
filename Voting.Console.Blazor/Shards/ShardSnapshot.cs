namespace Voting.Console.Blazor.Shards;

/// <summary>All shard databases, and the Merkle log's, at one moment.</summary>
public sealed record ShardSnapshot(IReadOnlyList<ShardHealth> Shards)
{
    /// <summary>The Merkle log database; null when it was not probed.</summary>
    public MerkleLogHealth? Log { get; init; }

    public int Unreachable => Shards.Count(s => !s.Reachable);

    public long BallotRows => Shards.Sum(s => s.BallotRows);

    public double RowsPerSecond => Shards.Sum(s => s.RowsPerSecond);
}
