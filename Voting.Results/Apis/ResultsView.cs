using Voting.Core.Results;

namespace Voting.Results.Apis;

/// <summary>Results of one area (the nation or a state) of an election, as of a moment.</summary>
/// <param name="ElectionId">Election.</param>
/// <param name="AsOf">When the counts were read (UTC).</param>
/// <param name="Results">The area's counts, shares and turnout.</param>
public sealed record ResultsView(string ElectionId, DateTimeOffset AsOf, AreaResults Results);
