namespace Voting.Core.Ballots;

/// <summary>
/// What ingest hands to Kafka for one accepted vote, keyed by the pseudonym. It carries the
/// pseudonym only so the processor can enforce one-person-one-vote with the database's unique key;
/// the processor writes the pseudonym and the ballot to unrelated tables and never together.
/// </summary>
/// <param name="Version">Message format version; the processor dead-letters versions it doesn't know.</param>
/// <param name="ElectionId">Election.</param>
/// <param name="Pseudonym">Voter pseudonym, 32 bytes (base64 in JSON).</param>
/// <param name="State">USPS state code.</param>
/// <param name="Candidate">Candidate id.</param>
/// <param name="BallotId">16 random bytes (base64 in JSON).</param>
/// <param name="BallotHash">SHA-256 of the canonical ballot = the receipt (base64 in JSON).</param>
/// <param name="AcceptedAtUnixMs">When ingest had the broker's acknowledgement pending; for latency and per-minute charts.</param>
public sealed record VoteMessage(
    int Version,
    string ElectionId,
    byte[] Pseudonym,
    string State,
    string Candidate,
    byte[] BallotId,
    byte[] BallotHash,
    long AcceptedAtUnixMs)
{
    public const int CurrentVersion = 1;

    /// <summary>The ballot this message records.</summary>
    public Ballot ToBallot() => new(ElectionId, State, Candidate, BallotId);
}
