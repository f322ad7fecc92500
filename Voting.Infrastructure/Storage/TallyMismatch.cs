namespace Voting.Infrastructure.Storage;

/// <summary>One (state, candidate) whose counts differ between the ballot store and the tallies.</summary>
public sealed record TallyMismatch(string State, string Candidate, long MySql, long Tallied);
