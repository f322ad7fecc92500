namespace Voting.Infrastructure.Chain;

/// <summary>A transaction the chain holds now, as a receipt lookup found it.</summary>
/// <param name="TransactionHash">The transaction.</param>
/// <param name="BlockNumber">The block it is in now.</param>
/// <param name="BlocksOnTop">Blocks mined after that one: 0 in the newest block.</param>
public sealed record MinedTransaction(string TransactionHash, long BlockNumber, long BlocksOnTop);
