namespace Voting.Infrastructure.Storage;

/// <summary>What a Merkle log append returned (<see cref="MerkleLogAppender.AppendAsync"/>).</summary>
/// <param name="Positions">The leaf index of every ballot asked about, keyed by its hash (<see cref="MySql.BallotStore.HashKey"/>).</param>
/// <param name="Appended">How many of them this append added; the rest were in the log already.</param>
public sealed record LogPositions(IReadOnlyDictionary<MySql.Bytes32, long> Positions, int Appended);
