using Voting.Core.Elections;
using Voting.Core.Geography;

namespace Voting.Core.Results;

/// <summary>Turns raw (state, candidate) counts into results: totals, shares, turnout, every candidate listed.</summary>
public static class ResultsCalculator
{
    public const string NationalArea = "US";

    /// <param name="election">The election (ballots per state, registered voters).</param>
    /// <param name="counts">Ballots per (state code, candidate).</param>
    /// <param name="asOf">When the counts were read.</param>
    public static ElectionResults Calculate(ElectionDefinition election, IReadOnlyDictionary<(string State, string Candidate), long> counts, DateTimeOffset asOf)
    {
        ArgumentNullException.ThrowIfNull(election);
        ArgumentNullException.ThrowIfNull(counts);
        var states = UsStates.All
            .OrderBy(s => s.Code, StringComparer.Ordinal)
            .Select(s => Area(
                s.Code,
                election.CandidatesIn(s.Code).Union(counts.Keys.Where(k => k.State == s.Code).Select(k => k.Candidate), StringComparer.Ordinal)
                    .Select(c => (c, counts.GetValueOrDefault((s.Code, c)))),
                election.RegisteredVoters.TryGetValue(s.Code, out var registered) ? registered : null))
            .ToList();

        var nationalRegistered = UsStates.All.All(s => election.RegisteredVoters.ContainsKey(s.Code))
            ? election.RegisteredVoters.Values.Sum()
            : (long?)null;
        var national = Area(
            NationalArea,
            states.SelectMany(s => s.Candidates).GroupBy(c => c.Candidate, StringComparer.Ordinal).Select(g => (g.Key, g.Sum(c => c.Votes))),
            nationalRegistered);
        return new ElectionResults(election.Id, asOf, national, states);
    }

    private static AreaResults Area(string area, IEnumerable<(string Candidate, long Votes)> votes, long? registered)
    {
        var list = votes.ToList();
        var total = list.Sum(v => v.Votes);
        var candidates = list
            .Select(v => new CandidateCount(v.Candidate, v.Votes, total == 0 ? 0 : Math.Round((double)v.Votes / total, 6)))
            .OrderByDescending(c => c.Votes)
            .ThenBy(c => c.Candidate, StringComparer.Ordinal)
            .ToList();
        double? turnout = registered is > 0 ? Math.Round((double)total / registered.Value, 6) : null;
        return new AreaResults(area, total, registered, turnout, candidates);
    }
}
