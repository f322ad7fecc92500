using Microsoft.Extensions.Options;
using Voting.Console.Blazor.Live;
using Voting.Core.Elections;
using Voting.Core.Results;
using Voting.Infrastructure.ClickHouse;
using Voting.Infrastructure.Elections;

namespace Voting.Console.Blazor.Tallies;

/// <summary>Reads the tallies and the per-minute counts of the election on screen from ClickHouse.</summary>
public sealed class TallySource(ClickHouseTallyStore tallies, ElectionRegistry elections, IOptions<ConsoleOptions> options, TimeProvider clock)
    : IBoardSource<TallySnapshot>
{
    private readonly Dictionary<string, (long Total, DateTimeOffset ChangedAt)> seen = new(StringComparer.Ordinal);

    public TimeSpan Interval => TimeSpan.FromMilliseconds(options.Value.RefreshMilliseconds);

    public ElectionDefinition Election =>
        (string.IsNullOrEmpty(options.Value.ElectionId) ? elections.Default : elections.Find(options.Value.ElectionId))
        ?? throw new InvalidOperationException($"The console's election '{options.Value.ElectionId}' is not configured (Voting:Elections).");

    public async Task<TallySnapshot> ReadAsync(CancellationToken cancellationToken)
    {
        var election = Election;
        var now = clock.GetUtcNow();
        var counts = await tallies.CountsAsync(election.Id, cancellationToken);
        var minutes = await tallies.VotesPerMinuteAsync(election.Id, now.AddMinutes(-options.Value.RateHistoryMinutes), cancellationToken);
        var results = ResultsCalculator.Calculate(election, counts, now);
        lock (seen)
        {
            foreach (var state in results.States.Where(s => s.TotalBallots > 0))
            {
                if (!seen.TryGetValue(state.Area, out var last) || last.Total != state.TotalBallots)
                {
                    seen[state.Area] = (state.TotalBallots, now);
                }
            }

            return new TallySnapshot(
                results, [.. minutes.Select(m => new MinuteRate(m.Minute, m.Votes))], seen.ToDictionary(e => e.Key, e => e.Value.ChangedAt, StringComparer.Ordinal));
        }
    }
}
