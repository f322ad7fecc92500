namespace Voting.Verifier;

/// <summary>The checkpoints one anchor contract holds, as a node of the chain reports them: the verifier's only source of trusted roots.</summary>
public interface IAnchorLog
{
    /// <summary>The node asked (its URL's scheme, host and port: never a path or credentials), for messages.</summary>
    string Node { get; }

    /// <summary>The anchor contract's address.</summary>
    string ContractAddress { get; }

    /// <summary>Blocks that must be mined on top of a checkpoint's anchor for <see cref="RootAtSizeAsync"/> to return its root (0: none).</summary>
    int Confirmations { get; }

    /// <summary>The EIP-155 chain id the node reports.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The chain id.</returns>
    /// <exception cref="CannotCheckException">The node cannot be reached or does not answer.</exception>
    Task<long> ChainIdAsync(CancellationToken cancellationToken);

    /// <summary>The root the contract holds for <paramref name="electionId"/> at exactly <paramref name="treeSize"/>.</summary>
    /// <param name="electionId">The election.</param>
    /// <param name="treeSize">The tree size.</param>
    /// <param name="cancellationToken">Cancels the calls.</param>
    /// <returns>The 32-byte root, or null when no checkpoint of that size is anchored.</returns>
    /// <exception cref="CannotCheckException">
    /// The node cannot be reached or does not answer, or the checkpoint is anchored but fewer than
    /// <see cref="Confirmations"/> blocks deep (not final yet).
    /// </exception>
    /// <exception cref="AnchorContractException">There is no anchor contract at the address.</exception>
    Task<byte[]?> RootAtSizeAsync(string electionId, long treeSize, CancellationToken cancellationToken);
}
