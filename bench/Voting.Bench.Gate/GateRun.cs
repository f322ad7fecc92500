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
    /// <summary>Votes one Redis core (main thread) carries per second at this cost.</summary>
    public double VotesPerRedisCore => 1e6 / RedisMicrosecondsPerVote;
}
