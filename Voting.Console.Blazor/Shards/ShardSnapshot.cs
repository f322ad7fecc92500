namespace Voting.Console.Blazor.Shards;

/// <summary>All shard databases at one moment.</summary>
public sealed record ShardSnapshot(IReadOnlyList<ShardHealth> Shards)
{
    public int Unreachable => Shards.Count(s => !s.Reachable);

    public long BallotRows => Shards.Sum(s => s.BallotRows);

    public double RowsPerSecond => Shards.Sum(s => s.RowsPerSecond);
}
