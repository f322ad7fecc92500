using System.Numerics;
using Nethereum.Hex.HexTypes;
using Nethereum.RPC.Eth.DTOs;
using Nethereum.Web3;

namespace Voting.TestSupport;

/// <summary>
/// The anchor contract as released before it checked consistency proofs (its bytecode as committed
/// then): sizes had only to grow. What a chain deployed to before that release still holds.
/// </summary>
public static class EarlierAnchorContract
{
    /// <summary>That version's <c>anchor(bytes32,uint64,bytes32,uint64)</c>.</summary>
    [Nethereum.ABI.FunctionEncoding.Attributes.Function("anchor", "uint256")]
    public sealed class EarlierAnchorFunction : Nethereum.Contracts.FunctionMessage
    {
        [Nethereum.ABI.FunctionEncoding.Attributes.Parameter("bytes32", "electionId", 1)]
        public byte[] ElectionId { get; set; } = [];

        [Nethereum.ABI.FunctionEncoding.Attributes.Parameter("uint64", "treeSize", 2)]
        public ulong TreeSize { get; set; }

        [Nethereum.ABI.FunctionEncoding.Attributes.Parameter("bytes32", "root", 3)]
        public byte[] Root { get; set; } = [];

        [Nethereum.ABI.FunctionEncoding.Attributes.Parameter("uint64", "timestamp", 4)]
        public ulong Timestamp { get; set; }
    }

    private static readonly Lazy<string> Bytecode = new(() =>
    {
        using var stream = typeof(EarlierAnchorContract).Assembly.GetManifestResourceStream("EarlierCheckpointAnchor.bin")
            ?? throw new InvalidOperationException("Embedded resource EarlierCheckpointAnchor.bin is missing from the build.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd().Trim();
    });

    /// <summary>
    /// Anchors <paramref name="root"/> at <paramref name="treeSize"/> for the election keyed <paramref name="electionKey"/>
    /// (SHA-256 of its id) as that version took it: no consistency proof.
    /// </summary>
    public static async Task AnchorAsync(IWeb3 web3, string address, byte[] electionKey, long treeSize, byte[] root)
    {
        ArgumentNullException.ThrowIfNull(web3);
        var receipt = await web3.Eth.GetContractTransactionHandler<EarlierAnchorFunction>().SendRequestAndWaitForReceiptAsync(
            address, new EarlierAnchorFunction { ElectionId = electionKey, TreeSize = (ulong)treeSize, Root = root, Timestamp = (ulong)DateTimeOffset.UtcNow.ToUnixTimeSeconds(), Gas = 200_000 });
        if (receipt.Status?.Value != BigInteger.One)
        {
            throw new InvalidOperationException($"The earlier anchor contract refused size {treeSize} in transaction {receipt.TransactionHash}.");
        }
    }

    /// <summary>Deploys it from the signing account of <paramref name="web3"/>; returns its address.</summary>
    public static async Task<string> DeployAsync(IWeb3 web3)
    {
        ArgumentNullException.ThrowIfNull(web3);
        var from = web3.TransactionManager.Account?.Address ?? throw new InvalidOperationException("Deploying needs a signing client.");
        var receipt = await web3.TransactionManager.SendTransactionAndWaitForReceiptAsync(
            new TransactionInput { From = from, Data = "0x" + Bytecode.Value, Gas = new HexBigInteger(1_000_000) });
        return receipt.Status?.Value == BigInteger.One && !string.IsNullOrEmpty(receipt.ContractAddress)
            ? receipt.ContractAddress
            : throw new InvalidOperationException($"Deploying the earlier anchor contract failed in transaction {receipt.TransactionHash}.");
    }
}
