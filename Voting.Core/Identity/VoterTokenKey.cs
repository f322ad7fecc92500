namespace Voting.Core.Identity;

/// <summary>One of the election authority's HMAC keys, with the key id (<c>kid</c>) tokens signed by it name.</summary>
public sealed record VoterTokenKey(string Id, byte[] Secret);
