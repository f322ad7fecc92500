namespace Voting.Simulator;

/// <summary>One simulated election run; bounded by <see cref="Voters"/> and <see cref="MaxSeconds"/> (plus <see cref="SettleSeconds"/> to watch the last votes through).</summary>
/// <param name="Ingest">Base URL of Voting.Ingest.</param>
/// <param name="ElectionId">Election voted in.</param>
/// <param name="Voters">Voters who turn out.</param>
/// <param name="VotesPerSecond">Rate before the closing spike.</param>
/// <param name="DuplicateShare">Share of voters who try twice.</param>
/// <param name="MalformedShare">Share of malformed or invalid ballots.</param>
/// <param name="MaxSeconds">Hard limit on casting.</param>
/// <param name="Concurrency">Requests in flight at most.</param>
/// <param name="RunId">Distinguishes this run's voters.</param>
/// <param name="Results">Base URL of Voting.Results (readers and receipts).</param>
/// <param name="Readers">Result readers polling while the election runs; 0 for none (then no visibility figures).</param>
/// <param name="ReadInterval">Pause between one reader's polls.</param>
/// <param name="ProbeEvery">How often an accepted receipt is followed until anchored; zero for never.</param>
/// <param name="SettleSeconds">After casting, how long to wait for the last votes to be visible and the followed receipts anchored.</param>
/// <param name="RequestTimeout">How long one request may take before it counts as failed; null for 30 s.</param>
public sealed record SimulationSettings(
    Uri Ingest,
    string ElectionId,
    int Voters,
    double VotesPerSecond,
    double DuplicateShare,
    double MalformedShare,
    int MaxSeconds,
    int Concurrency,
    string RunId,
    Uri Results,
    int Readers,
    TimeSpan ReadInterval,
    TimeSpan ProbeEvery,
    int SettleSeconds,
    TimeSpan? RequestTimeout = null)
{
    /// <summary>How long one request may take before it counts as failed (default 30 s).</summary>
    public TimeSpan RequestTimeoutOrDefault => RequestTimeout ?? TimeSpan.FromSeconds(30);
}
