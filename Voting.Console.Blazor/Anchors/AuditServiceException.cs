namespace Voting.Console.Blazor.Anchors;

/// <summary>The audit service answered with a problem (or not at all); the message is what it said, for the screen.</summary>
public sealed class AuditServiceException : Exception
{
    public AuditServiceException()
    {
    }

    public AuditServiceException(string message)
        : base(message)
    {
    }

    public AuditServiceException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The HTTP status, when there was an answer.</summary>
    public int? Status { get; init; }

    /// <summary>No answer came within the client's timeout (what was asked may still be under way).</summary>
    public bool TimedOut { get; init; }
}
