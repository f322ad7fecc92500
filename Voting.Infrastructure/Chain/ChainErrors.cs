namespace Voting.Infrastructure.Chain;

/// <summary>
/// Error text for chain calls: Nethereum wraps transport failures in a message that names only the
/// RPC method, so the cause is the innermost exception.
/// </summary>
public static class ChainErrors
{
    /// <summary>The innermost exception of <paramref name="e"/>: what actually went wrong.</summary>
    public static Exception RootCause(Exception e)
    {
        ArgumentNullException.ThrowIfNull(e);
        while (e.InnerException is not null)
        {
            e = e.InnerException;
        }

        return e;
    }

    /// <summary>The message, followed by its root cause's type and message when that is another exception.</summary>
    public static string Describe(Exception e)
    {
        var cause = RootCause(e);
        return ReferenceEquals(cause, e) ? e.Message : $"{e.Message} ({cause.GetType().Name}: {cause.Message})";
    }
}
