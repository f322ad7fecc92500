namespace Voting.Console.Blazor.Proofs;

/// <summary>What checking a receipt concluded.</summary>
public enum ProofVerdict
{
    /// <summary>The path leads from the receipt to the root anchored on chain for that tree size.</summary>
    Valid,

    /// <summary>The path does not lead to the on-chain root, or the chain has no such checkpoint.</summary>
    Invalid,

    /// <summary>No conclusion: the receipt is unknown or not anchored yet, or a service or the chain can't be reached.</summary>
    CannotCheck,
}
