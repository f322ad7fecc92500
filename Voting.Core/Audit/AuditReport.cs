namespace Voting.Core.Audit;

/// <summary>The result of one audit of an election.</summary>
/// <param name="ElectionId">Election.</param>
/// <param name="StartedAt">UTC start.</param>
/// <param name="FinishedAt">UTC end.</param>
/// <param name="BallotRows">Ballot rows read from the shards.</param>
/// <param name="LogSize">Leaves in the election's log.</param>
/// <param name="AnchorsChecked">On-chain checkpoints compared with the rebuilt tree.</param>
/// <param name="Findings">Every disagreement found; empty when all is consistent.</param>
public sealed record AuditReport(
    string ElectionId, DateTime StartedAt, DateTime FinishedAt, long BallotRows, long LogSize, int AnchorsChecked, IReadOnlyList<AuditFinding> Findings)
{
    /// <summary>
    /// Log positions holding a void leaf (<see cref="Merkle.VoidLeaf"/>): positions of ranges whose
    /// appender crashed or lost its database session before filling them, or left over when some of a
    /// range's ballots were already in the log. Not a finding; every ballot has its leaf elsewhere.
    /// </summary>
    public long VoidLeaves { get; init; }

    /// <summary>
    /// Log positions at or past the log's size when the audit began (filled while it read the rows, or
    /// beyond a range still open then) whose ballot row it did not find: stored after its table was
    /// read, or not stored yet. Left for the next audit, which starts past them. Not a finding.
    /// </summary>
    public long DeferredLeaves { get; init; }

    /// <summary>True when nothing disagrees.</summary>
    public bool Clean => Findings.Count == 0;
}
