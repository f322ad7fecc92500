using System.Numerics;

namespace Voting.TestSupport;

/// <summary>A transaction waiting in a node's pool: its hash, nonce and the max fee per gas (wei) it offers.</summary>
public sealed record PooledTransaction(string Hash, long Nonce, BigInteger MaxFeePerGas);
