namespace Voting.Infrastructure.Redis;

/// <summary>One voter of one election, by pseudonym: what the gate locks, checks and marks.</summary>
public readonly record struct VoterKey(string ElectionId, byte[] Pseudonym);
