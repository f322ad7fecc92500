namespace Voting.Infrastructure.Storage;

/// <summary>One shard database's (state, recorded hour) whose ballot rows and participation rows differ in number.</summary>
public sealed record ParticipationMismatch(string Database, string State, DateTime Hour, long Voters, long Ballots);
