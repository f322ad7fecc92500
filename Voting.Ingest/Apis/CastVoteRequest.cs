namespace Voting.Ingest.Apis;

/// <summary>The body of <c>POST /api/v1/vote</c>. Election and state come from the voter's token.</summary>
/// <param name="Candidate">Candidate id exactly as on the state's ballot.</param>
public sealed record CastVoteRequest(string? Candidate);
