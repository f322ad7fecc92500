namespace Voting.Infrastructure.ClickHouse;

/// <summary>A shard's running total of one (state, candidate) as ClickHouse holds it, with its version.</summary>
public sealed record ShippedTotal(int Shard, string State, string Candidate, ulong Votes, ulong Version);
