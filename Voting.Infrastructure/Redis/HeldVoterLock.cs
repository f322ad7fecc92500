namespace Voting.Infrastructure.Redis;

/// <summary>A voter's lock as <see cref="VoterGate.EnterAsync(IReadOnlyList{VoterKey}, TimeSpan, VoterAttemptLimit)"/> took it: only its token releases it.</summary>
public readonly record struct HeldVoterLock(VoterKey Voter, string Token);
