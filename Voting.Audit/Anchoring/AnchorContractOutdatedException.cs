namespace Voting.Audit.Anchoring;

/// <summary>
/// The anchor contract this service is to use does not run this version's code: an earlier version,
/// one that takes any growing checkpoint without a consistency proof from the one before, or another
/// contract. Nothing is anchored with it: a root that rewrites the log could be taken. An operator names a current contract (or lets the service
/// deploy one); only a development chain has one deployed in its place unasked.
/// </summary>
public sealed class AnchorContractOutdatedException : Exception
{
    public AnchorContractOutdatedException(string message)
        : base(message)
    {
    }

    public AnchorContractOutdatedException()
    {
    }

    public AnchorContractOutdatedException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
