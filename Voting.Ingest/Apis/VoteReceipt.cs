namespace Voting.Ingest.Apis;

/// <summary>
/// The answer to an accepted vote. <paramref name="Receipt"/> is the SHA-256 of the canonical
/// ballot: with it the voter (or anyone) can later check that the ballot is in the anchored log,
/// and it reveals nothing about the choice to whoever lacks the ballot's random id.
/// </summary>
/// <param name="Receipt">64 hex characters.</param>
/// <param name="ElectionId">The election the vote counts in.</param>
/// <param name="Status">Always <c>accepted</c>: durable in the vote log, not yet counted.</param>
/// <param name="AcceptedAt">Server time of acceptance (UTC).</param>
public sealed record VoteReceipt(string Receipt, string ElectionId, string Status, DateTimeOffset AcceptedAt);
