namespace Voting.TestSupport;

/// <summary>How <see cref="RpcProxy"/> fails an armed call.</summary>
public enum RpcFault
{
    /// <summary>Passed on to the node, which does it; its answer never reaches the caller (the connection drops).</summary>
    AnswerLost,

    /// <summary>Not passed on: the caller gets a JSON-RPC error, as from a node refusing it.</summary>
    Refused,
}
