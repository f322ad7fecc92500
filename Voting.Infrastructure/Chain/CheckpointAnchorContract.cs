using System.Numerics;
using Nethereum.Hex.HexTypes;
using Nethereum.JsonRpc.Client;
using Nethereum.RPC.Eth.DTOs;
using Nethereum.Web3;
using Polly;
using Polly.Retry;

namespace Voting.Infrastructure.Chain;

/// <summary>The compiled <c>CheckpointAnchor.sol</c> (ABI and bytecode embedded in this assembly) and its deployment.</summary>
public static class CheckpointAnchorContract
{
    private static readonly Lazy<string> AbiText = new(() => ReadResource("CheckpointAnchor.abi"));
    private static readonly Lazy<string> BytecodeText = new(() => ReadResource("CheckpointAnchor.bin"));

    // Another sender on the same account (a second audit instance starting at the same moment) can
    // take the nonce between the node counting this account's transactions and this one reaching it.
    // The node refuses this one as "nonce too low" once the other is mined; while the other is still
    // pending, a byte-identical deployment (same nonce, same code) is refused as already imported or
    // known, and a different one as an underpriced replacement. In every case this transaction was not
    // taken, and a new attempt counts the nonce again (so each deployer gets a contract of its own).
    private static readonly string[] NonceTakenMessages =
    [
        "nonce too low",
        "already imported",
        "already known",
        "replacement transaction underpriced",
    ];

    private static readonly ResiliencePipeline NonceTakenRetry = new ResiliencePipelineBuilder()
        .AddRetry(new RetryStrategyOptions
        {
            ShouldHandle = new PredicateBuilder().Handle<RpcResponseException>(IsNonceTaken),
            MaxRetryAttempts = 10,
            BackoffType = DelayBackoffType.Exponential,
            Delay = TimeSpan.FromMilliseconds(50),
            MaxDelay = TimeSpan.FromSeconds(1),
            UseJitter = true,
        })
        .Build();

    public static string Abi => AbiText.Value;

    public static string Bytecode => BytecodeText.Value;

    /// <summary>
    /// Deploys a new anchor contract owned by the signing account; returns its address. A transaction
    /// the node refuses because another one of the account took its nonce is sent again.
    /// </summary>
    /// <exception cref="InvalidOperationException">The deployment transaction was mined but failed.</exception>
    public static async Task<TransactionReceipt> DeployAsync(IWeb3 web3, CancellationToken cancellationToken)
    {
        var from = web3.TransactionManager.Account?.Address
            ?? throw new InvalidOperationException("Deploying needs a signing client (ChainClientFactory.CreateSigning).");
        var receipt = await NonceTakenRetry.ExecuteAsync(
            async token => await web3.Eth.DeployContract.SendRequestAndWaitForReceiptAsync(
                Abi, Bytecode, from, new HexBigInteger(1_000_000), (HexBigInteger?)null, token),
            cancellationToken);
        if (receipt.Status?.Value != BigInteger.One || string.IsNullOrEmpty(receipt.ContractAddress))
        {
            throw new InvalidOperationException($"Anchor contract deployment failed in transaction {receipt.TransactionHash}.");
        }

        return receipt;
    }

    private static bool IsNonceTaken(RpcResponseException refusal) =>
        NonceTakenMessages.Any(message => refusal.Message.Contains(message, StringComparison.OrdinalIgnoreCase));

    private static string ReadResource(string name)
    {
        using var stream = typeof(CheckpointAnchorContract).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"Embedded resource {name} is missing from the build.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd().Trim();
    }
}
