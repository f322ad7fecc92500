namespace Voting.Core.Results;

/// <summary>A candidate's votes and share of the valid ballots counted (0–1, rounded to 6 places).</summary>
/// <param name="Candidate">Candidate id.</param>
/// <param name="Votes">Ballots counted for the candidate.</param>
/// <param name="Share">Votes / all ballots counted in the same area.</param>
public sealed record CandidateCount(string Candidate, long Votes, double Share);
