namespace Voting.Audit.Auditing;

/// <summary>Says when a long audit step is due to log how far it got: every <see cref="AuditRunner.ProgressInterval"/>.</summary>
internal sealed class AuditProgress(TimeProvider clock)
{
    private long last = clock.GetTimestamp();

    /// <summary>True once per interval; cheap enough to ask for every row.</summary>
    public bool Due()
    {
        if (clock.GetElapsedTime(last) < AuditRunner.ProgressInterval)
        {
            return false;
        }

        last = clock.GetTimestamp();
        return true;
    }
}
