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
    /// Whether <paramref name="e"/> (or an exception inside it) is the node saying the contract's code failed
    /// the call: a revert or another execution error (JSON-RPC code 3, or a message naming one). Anything
    /// else the node answers (a rate limit, a method not allowed, state not available, a call that timed
    /// out) is the node's own trouble, not the contract's.
    /// </summary>
    public static bool IsExecutionFailure(Exception e) =>
        e is Nethereum.JsonRpc.Client.RpcResponseException response && IsExecutionError(response)
        || (e.InnerException is { } inner && IsExecutionFailure(inner));

    private static bool IsExecutionError(Nethereum.JsonRpc.Client.RpcResponseException response) =>
        response.RpcError?.Code == 3
        || (ExecutionErrorWords.Any(word => response.Message.Contains(word, StringComparison.OrdinalIgnoreCase))
            && !NodeTroubleWords.Any(word => response.Message.Contains(word, StringComparison.OrdinalIgnoreCase)));

    private static readonly string[] ExecutionErrorWords =
        ["revert", "opcode", "out of gas", "stack underflow", "stack overflow", "invalid jump", "evm error", "execution"];

    // geth's "execution aborted (timeout = 5s)": the node gave up, the code did not fail.
    private static readonly string[] NodeTroubleWords = ["timeout", "timed out", "aborted"];

    /// <summary>
    /// Whether <paramref name="e"/> (or its root cause) is a call left without an answer: Nethereum's JSON-RPC
    /// client reading an empty answer fails with a null reference thrown by its own code.
    /// </summary>
    public static bool IsNoAnswer(Exception e) =>
        RootCause(e) is NullReferenceException cause
        && cause.TargetSite?.DeclaringType?.FullName?.StartsWith("Nethereum.JsonRpc.Client.", StringComparison.Ordinal) == true;
}
