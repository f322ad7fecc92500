namespace Voting.Core.Results;

/// <summary>An election's results as of a moment: nationally and per state.</summary>
/// <param name="ElectionId">Election.</param>
/// <param name="AsOf">When the counts were read (UTC).</param>
/// <param name="National">Totals over every state.</param>
/// <param name="States">Per state, in state-code order; states with no ballot yet included with zeros.</param>
public sealed record ElectionResults(string ElectionId, DateTimeOffset AsOf, AreaResults National, IReadOnlyList<AreaResults> States);
