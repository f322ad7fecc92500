namespace Voting.Bench.Gate;

/// <summary>One phase's figures: distinct voters entered and committed through the gate on one kind of Redis.</summary>
internal sealed record GateRun(
    string Redis,
    int Votes,
    int BatchSize,
    int FilterShards,
    double Rate,
    TimeSpan Time,
    double RedisMicrosecondsPerVote,
    double ClientMicrosecondsPerVote,
    double BoxBusy,
    long Scripts,
    int MaybeVoted)
{
    /// <summary>Redis memory the phase's voters left, per voter, besides the filter's bitmaps (measured on one server only).</summary>
    public double? RedisBytesPerVoter { get; init; }

    /// <summary>Redis keys the phase's voters left, per voter (measured on one server only).</summary>
    public double? RedisKeysPerVoter { get; init; }

    /// <summary>Bytes Redis allocated for the phase's filter bitmaps (measured on one server only).</summary>
    public long? FilterAllocatedBytes { get; init; }

    /// <summary>Votes one Redis core (main thread) carries per second at this cost.</summary>
    public double VotesPerRedisCore => 1e6 / RedisMicrosecondsPerVote;
}
