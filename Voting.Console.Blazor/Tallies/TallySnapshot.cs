using Voting.Core.Results;

namespace Voting.Console.Blazor.Tallies;

/// <summary>Results of the election on screen and its votes per minute, as read from the ClickHouse pre-aggregates.</summary>
/// <param name="Results">National and per-state counts, shares and turnout.</param>
/// <param name="VotesPerMinute">Recent minutes with votes, oldest first.</param>
/// <param name="StateLastChanged">When each state's total was last seen to change (since the console started).</param>
public sealed record TallySnapshot(ElectionResults Results, IReadOnlyList<MinuteRate> VotesPerMinute, IReadOnlyDictionary<string, DateTimeOffset> StateLastChanged);
