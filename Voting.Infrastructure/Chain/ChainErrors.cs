namespace Voting.Infrastructure.Chain;

/// <summary>
/// Error text for chain calls: Nethereum wraps transport failures in a message that names only the
/// RPC method, so the cause is the innermost exception. A connection the node (or a proxy on the way)
/// closed without an answer surfaces from Nethereum as a <see cref="NullReferenceException"/> in its
/// error handling; it is described as what it is.
/// </summary>
public static class ChainErrors
{
    /// <summary>What a call whose connection closed without an answer is described as.</summary>
    public const string NoAnswer = "the node closed the connection without answering (a call that sends may still have reached it)";

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

    /// <summary>The root cause's message (<see cref="NoAnswer"/> for a call left without an answer).</summary>
    public static string CauseMessage(Exception e) => RootCause(e) is var cause && IsNoAnswer(cause) ? NoAnswer : cause.Message;

    /// <summary>The message, followed by its root cause's type and message when that is another exception.</summary>
    public static string Describe(Exception e)
    {
        var cause = RootCause(e);
        if (IsNoAnswer(cause))
        {
            return ReferenceEquals(cause, e) ? NoAnswer : $"{e.Message} ({NoAnswer})";
        }

        return ReferenceEquals(cause, e) ? e.Message : $"{e.Message} ({cause.GetType().Name}: {cause.Message})";
    }

    /// <summary>Nethereum's JSON-RPC client reading an empty answer fails with a null reference in its own code.</summary>
    private static bool IsNoAnswer(Exception cause) =>
        cause is NullReferenceException && cause.StackTrace?.Contains("Nethereum.JsonRpc.Client.", StringComparison.Ordinal) == true;
}
