using Voting.Core.Results;

namespace Voting.Results.Apis;

/// <summary>Results of one area (the nation or a state) of an election, as of a moment.</summary>
/// <param name="ElectionId">Election.</param>
/// <param name="AsOf">When the counts were read (UTC).</param>
/// <param name="Results">The area's total, turnout and, once the polls have closed, each candidate's count and share.</param>
/// <param name="CandidatesWithheldUntil">While the polls are open, when the candidates' counts will be published (the close; until then <c>candidates</c> is empty); null once they are.</param>
public sealed record ResultsView(string ElectionId, DateTimeOffset AsOf, AreaResults Results, DateTimeOffset? CandidatesWithheldUntil);
