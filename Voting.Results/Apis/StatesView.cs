using Voting.Core.Results;

namespace Voting.Results.Apis;

/// <summary>Results of every state of an election, as of a moment.</summary>
/// <param name="ElectionId">Election.</param>
/// <param name="AsOf">When the counts were read (UTC).</param>
/// <param name="States">Per state, in state-code order.</param>
/// <param name="CandidatesWithheldUntil">While the polls are open, when the candidates' counts will be published (the close; until then each state's <c>candidates</c> is empty); null once they are.</param>
public sealed record StatesView(string ElectionId, DateTimeOffset AsOf, IReadOnlyList<AreaResults> States, DateTimeOffset? CandidatesWithheldUntil);
