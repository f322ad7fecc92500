namespace Voting.Infrastructure.Storage;

/// <summary>
/// What <see cref="TallyRebuild"/> did: the election's running totals it rewrote, how many of them
/// had held other votes, the ClickHouse rows it deleted, and what reconciliation said afterwards.
/// </summary>
public sealed record TallyRebuildReport(int Totals, int Corrected, int ClickHouseRowsDeleted, IReadOnlyList<TallyMismatch> Mismatches);
