namespace Voting.Core.Ballots;

/// <summary>
/// A cast ballot as it is stored and hashed: the choice and where it counts, a random id, and
/// nothing about the voter.
/// </summary>
/// <param name="ElectionId">The election.</param>
/// <param name="State">USPS code, upper case.</param>
/// <param name="Candidate">Candidate id as on the ballot.</param>
/// <param name="BallotId">16 random bytes chosen at ingest (or, for a client's idempotency key, an HMAC under the election's secret: <see cref="IdempotencyKey"/>), so equal choices still hash apart and receipts can't be guessed.</param>
public sealed record Ballot(string ElectionId, string State, string Candidate, byte[] BallotId)
{
    public const int BallotIdSize = 16;

    /// <summary>A ballot with a fresh cryptographically random id.</summary>
    public static Ballot New(string electionId, string state, string candidate) =>
        new(electionId, state, candidate, System.Security.Cryptography.RandomNumberGenerator.GetBytes(BallotIdSize));
}
