namespace Voting.Core.Audit;

/// <summary>One disagreement an audit found.</summary>
/// <param name="Kind">Stable kind, e.g. <c>ballot-hash-mismatch</c>, <c>missing-ballot</c>, <c>anchor-mismatch</c>.</param>
/// <param name="Location">Exactly where: a ballot row (database.table, ballot id), a leaf index, an anchor.</param>
/// <param name="Detail">What disagrees with what.</param>
public sealed record AuditFinding(string Kind, string Location, string Detail);
