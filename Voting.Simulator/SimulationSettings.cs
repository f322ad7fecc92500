namespace Voting.Simulator;

/// <summary>One simulated election run; bounded by <see cref="Voters"/> and <see cref="MaxSeconds"/>.</summary>
public sealed record SimulationSettings(
    Uri Ingest,
    string ElectionId,
    int Voters,
    double VotesPerSecond,
    double DuplicateShare,
    double MalformedShare,
    int MaxSeconds,
    int Concurrency,
    string RunId);
