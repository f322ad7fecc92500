namespace Voting.Infrastructure.Chain;

/// <summary>A transaction of ours the node holds: mined, or waiting in its pool.</summary>
/// <param name="TransactionHash">The transaction.</param>
/// <param name="Nonce">Its nonce: a replacement carries the same one.</param>
/// <param name="Fee">What it offers per unit of gas.</param>
/// <param name="Mined">Whether it is in a block (else it waits in the node's pool).</param>
public sealed record SentTransaction(string TransactionHash, long Nonce, AnchorFee Fee, bool Mined);
