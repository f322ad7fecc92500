namespace Voting.Infrastructure.Storage;

/// <summary>A shard's running total of one (state, candidate): its votes, its version, and the highest version ClickHouse is known to have.</summary>
internal readonly record struct RunningTotal(ulong Votes, ulong Version, ulong ShippedVersion);
