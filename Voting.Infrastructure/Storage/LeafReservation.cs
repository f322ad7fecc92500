namespace Voting.Infrastructure.Storage;

/// <summary>The log positions [<see cref="First"/>, <see cref="First"/> + <see cref="Count"/>) of an election, handed to one appender to fill.</summary>
public readonly record struct LeafReservation(string ElectionId, long First, int Count);
