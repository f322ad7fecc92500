using Voting.Infrastructure.ClickHouse;

namespace Voting.Results.Reading;

/// <summary>The backend of results: ClickHouse's pre-aggregated tallies (never a scan of ballots).</summary>
public sealed class TallyReader(ClickHouseTallyStore tallies, ResultsMetrics metrics)
{
    private long queries;

    /// <summary>Backend queries made since start (for tests and the metric).</summary>
    public long Queries => Interlocked.Read(ref queries);

    /// <summary>Ballots per (state, candidate) of an election.</summary>
    public async Task<Dictionary<(string State, string Candidate), long>> CountsAsync(string electionId, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref queries);
        metrics.BackendQueries.Add(1);
        return await tallies.CountsAsync(electionId, cancellationToken);
    }
}
