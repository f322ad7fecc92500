namespace Voting.Results.Apis;

/// <summary>Whether a voter's vote is recorded — never what it was.</summary>
/// <param name="ElectionId">Election.</param>
/// <param name="Recorded">True once the ballot is stored.</param>
/// <param name="RecordedHour">The UTC hour it was recorded in (coarse on purpose), when recorded.</param>
public sealed record VoteStatusView(string ElectionId, bool Recorded, DateTime? RecordedHour);
