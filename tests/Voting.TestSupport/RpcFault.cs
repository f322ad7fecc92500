namespace Voting.TestSupport;

/// <summary>How <see cref="RpcProxy"/> fails an armed call.</summary>
public enum RpcFault
{
    /// <summary>
    /// Passed on to the node, which does it; the caller gets an empty answer instead of the node's
    /// (the exchange is cut before the body: on Linux, HttpListener's abort sends an empty 200).
    /// </summary>
    EmptyAnswer,

    /// <summary>Not passed on: the caller gets a JSON-RPC error, as from a node refusing it.</summary>
    Refused,
}
