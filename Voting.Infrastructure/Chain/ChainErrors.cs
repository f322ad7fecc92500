namespace Voting.Infrastructure.Chain;

/// <summary>
/// Error text for chain calls: Nethereum wraps transport failures in a message that names only the
/// RPC method, so the cause is the innermost exception. An empty answer (a node or a proxy on the way
/// closing the exchange without a body) surfaces from Nethereum as a <see cref="NullReferenceException"/>
/// in its error handling; it is described as what it is.
/// </summary>
public static class ChainErrors
{
    /// <summary>What a call whose connection closed without an answer is described as.</summary>
    public const string NoAnswer = "the node answered nothing (a call that sends may still have reached it)";

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
    public static string CauseMessage(Exception e) => IsNoAnswer(e) ? NoAnswer : RootCause(e).Message;

    /// <summary>The message, followed by its root cause's type and message when that is another exception.</summary>
    public static string Describe(Exception e)
    {
        var cause = RootCause(e);
        if (IsNoAnswer(e))
        {
            return ReferenceEquals(cause, e) ? NoAnswer : $"{e.Message} ({NoAnswer})";
        }

        return ReferenceEquals(cause, e) ? e.Message : $"{e.Message} ({cause.GetType().Name}: {cause.Message})";
    }

    /// <summary>
    /// Whether <paramref name="e"/> (or its root cause) is a call left without an answer: Nethereum's JSON-RPC
    /// client reading an empty answer fails with a null reference thrown by its own code.
    /// </summary>
    public static bool IsNoAnswer(Exception e) =>
        RootCause(e) is NullReferenceException cause
        && cause.TargetSite?.DeclaringType?.FullName?.StartsWith("Nethereum.JsonRpc.Client.", StringComparison.Ordinal) == true;
}
