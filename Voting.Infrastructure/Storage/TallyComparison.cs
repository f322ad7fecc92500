namespace Voting.Infrastructure.Storage;

/// <summary>A reconciliation: the ballots stored per "STATE/candidate" (the truth) and every pair whose tallies differ.</summary>
public sealed record TallyComparison(IReadOnlyDictionary<string, long> Ballots, IReadOnlyList<TallyMismatch> Mismatches);
