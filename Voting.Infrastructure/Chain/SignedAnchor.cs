namespace Voting.Infrastructure.Chain;

/// <summary>An anchor transaction signed and not sent yet: its hash, known before the node has it, and its raw bytes (hex).</summary>
/// <param name="TransactionHash">Keccak-256 of the signed transaction: the hash the chain knows it by.</param>
/// <param name="Raw">The signed transaction, hex with 0x.</param>
public sealed record SignedAnchor(string TransactionHash, string Raw);
