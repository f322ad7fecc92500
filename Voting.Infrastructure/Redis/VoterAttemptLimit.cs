namespace Voting.Infrastructure.Redis;

/// <summary>
/// How many attempts one voter may make per <see cref="Window"/> beyond an admitted first one,
/// counted in Redis so the limit holds across every ingest instance; 0 attempts means no limit.
/// </summary>
public readonly record struct VoterAttemptLimit(int Attempts, TimeSpan Window)
{
    public static VoterAttemptLimit None => new(0, TimeSpan.Zero);
}
