namespace Voting.Infrastructure.Storage;

/// <summary>One ballot row as stored, with where it lives (for audit reports that name the row).</summary>
/// <param name="Database">Shard database name.</param>
/// <param name="Table">Ballot table name.</param>
/// <param name="ElectionId">Election.</param>
/// <param name="BallotId">Random ballot id (16 bytes).</param>
/// <param name="State">State code.</param>
/// <param name="Candidate">Candidate.</param>
/// <param name="BallotHash">Stored SHA-256 of the canonical ballot.</param>
/// <param name="LeafIndex">Position in the election's Merkle log; null only on rows an earlier processor version stored before appending them.</param>
public sealed record StoredBallot(
    string Database, string Table, string ElectionId, byte[] BallotId, string State, string Candidate, byte[] BallotHash, long? LeafIndex);
