using System.ComponentModel.DataAnnotations;

namespace Voting.Infrastructure.Chain;

/// <summary>The Ethereum-compatible chain that anchors Merkle checkpoints. Section <c>Voting:Chain</c>.</summary>
public sealed class ChainOptions
{
    public const string Section = "Voting:Chain";

    /// <summary>JSON-RPC endpoint.</summary>
    [Required, Url]
    public string RpcUrl { get; set; } = "";

    /// <summary>Expected chain id; a node answering another id is refused (wrong network).</summary>
    [Range(1, long.MaxValue)]
    public long ChainId { get; set; }

    /// <summary>Hex private key of the anchoring account. Comes from a secret store, never from a file in production.</summary>
    [Required, RegularExpression("^(0x)?[0-9a-fA-F]{64}$")]
    public string AnchorPrivateKey { get; set; } = "";

    /// <summary>Address of the deployed anchor contract; empty means the audit service deploys one on first start.</summary>
    [RegularExpression("^$|^0x[0-9a-fA-F]{40}$")]
    public string AnchorContractAddress { get; set; } = "";

    /// <summary>
    /// Whether the audit service deploys a new anchor contract when the one it recorded has no code
    /// on the chain (a development chain that was reset), or is of an earlier version that checks no
    /// consistency proofs. Off by default: on a real chain a missing contract means a node behind or on
    /// another chain, and a new contract would break the record of every anchor.
    /// </summary>
    public bool RedeployWhenContractMissing { get; set; }

    /// <summary>
    /// Blocks that must be mined on top of an anchor's block before the anchor counts (receipts read
    /// <c>anchored</c>, proofs are served, audits check it). Until then the audit service looks the
    /// transaction up again every few seconds, and queues the checkpoint again if a reorganisation of
    /// the chain undid it. 0 counts an anchor as soon as it is mined: only for a development chain
    /// that never reorganises. Set it to the chain's finality: Ethereum mainnet finalizes a block within two to
    /// three epochs of 32 slots (64–96 blocks) in normal conditions, hence 96.
    /// </summary>
    [Range(0, 100_000)]
    public int ConfirmationBlocks { get; set; } = 96;

    /// <summary>How long one RPC call may take before the node counts as hung.</summary>
    [Range(1, 600)]
    public int RpcTimeoutSeconds { get; set; } = 10;

    /// <summary>
    /// How long the audit service waits for an anchor transaction to be mined before it records the
    /// attempt as failed. The next attempt looks for the checkpoint on chain; a transaction the node
    /// still holds in its pool is replaced by one with the same nonce offering more
    /// (<see cref="MaxFeePerGasGwei"/>) and that is waited for; another anchor is sent only once the node
    /// holds neither.
    /// </summary>
    [Range(1, 86_400)]
    public int ReceiptTimeoutSeconds { get; set; } = 300;

    /// <summary>
    /// The most an anchor transaction offers per unit of gas (its EIP-1559 max fee), in gwei. An anchor
    /// offers what the chain asks (twice the newest block's base fee plus a 2 gwei tip); one left
    /// unmined for <see cref="ReceiptTimeoutSeconds"/> is replaced by one offering a quarter more, or
    /// what the chain asks by then, up to this cap. At the cap it is only waited for, and the
    /// checkpoint's error says so. An anchor uses about 100,000 gas, 130,000 with a 19-node consistency
    /// proof: at 200 gwei, 0.02–0.03 ether; a node takes it only from an account holding its 250,000 gas
    /// limit at its max fee (0.05 ether at 200 gwei).
    /// The contract's one deployment offers what the chain asks.
    /// </summary>
    [Range(1, 1_000_000)]
    public int MaxFeePerGasGwei { get; set; } = 200;

    /// <summary>How often a transaction receipt is polled, in milliseconds.</summary>
    [Range(1, 60_000)]
    public int ReceiptPollMilliseconds { get; set; } = 10;
}
