namespace Voting.Core.Sharding;

/// <summary>Where a row lives: database index (0–15) and table index (0–63) within it.</summary>
public readonly record struct ShardAddress(int Database, int Table);
