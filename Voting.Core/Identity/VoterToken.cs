namespace Voting.Core.Identity;

/// <summary>What a verified voter token says: who the voter is, where they are registered, for which election.</summary>
public sealed record VoterToken(string VoterId, string State, string ElectionId, DateTimeOffset ExpiresAt);
