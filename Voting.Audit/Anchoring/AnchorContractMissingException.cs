namespace Voting.Audit.Anchoring;

/// <summary>
/// The anchor contract this service recorded has no code on the chain it reaches: the node is behind
/// (restored from an older state, a lagging replica) or on another chain. Nothing is anchored, and
/// no new contract is deployed in its place, until it is back or an operator says otherwise.
/// </summary>
public sealed class AnchorContractMissingException : Exception
{
    public AnchorContractMissingException(string message)
        : base(message)
    {
    }

    public AnchorContractMissingException()
    {
    }

    public AnchorContractMissingException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
