namespace Voting.Infrastructure.Redis;

/// <summary>
/// The gate's answer for one voter of a batch: the admission, the token of the lock it holds (when
/// it holds one), and for <see cref="VoterAdmission.RateLimited"/> how long until the voter may try again.
/// </summary>
public readonly record struct VoterEntry(VoterAdmission Admission, string Token, TimeSpan RetryAfter);
