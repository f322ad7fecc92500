using Voting.Core.Results;

namespace Voting.Results.Apis;

/// <summary>Results of every state of an election, as of a moment.</summary>
/// <param name="ElectionId">Election.</param>
/// <param name="AsOf">When the counts were read (UTC).</param>
/// <param name="States">Per state, in state-code order.</param>
public sealed record StatesView(string ElectionId, DateTimeOffset AsOf, IReadOnlyList<AreaResults> States);
