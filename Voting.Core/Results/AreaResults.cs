namespace Voting.Core.Results;

/// <summary>Results of one area: the nation or a state.</summary>
/// <param name="Area"><c>US</c> for the nation, otherwise the state code.</param>
/// <param name="TotalBallots">Ballots counted.</param>
/// <param name="RegisteredVoters">Registered voters where configured, else null.</param>
/// <param name="Turnout">TotalBallots / RegisteredVoters, where known.</param>
/// <param name="Candidates">Every candidate on the area's ballot, most votes first (ties by name); empty while the polls are open (<see cref="CandidateCountDisclosure"/>).</param>
public sealed record AreaResults(string Area, long TotalBallots, long? RegisteredVoters, double? Turnout, IReadOnlyList<CandidateCount> Candidates);
