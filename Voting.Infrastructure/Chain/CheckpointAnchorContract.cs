using System.Numerics;
using Nethereum.Hex.HexConvertors.Extensions;
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

    /// <summary>
    /// Whether the contract at <paramref name="address"/> runs exactly this version's code: the node runs
    /// the creation code as a call from the contract's owner (the one value a deployment writes into
    /// its code) and returns the code that would leave, compared byte for byte with what is there, but
    /// for the compiler's metadata trailer (a hash of the sources, comments included, that no instruction
    /// reads). A contract of other code — a look-alike that lets roots be replaced, an earlier version that
    /// takes a checkpoint without a consistency proof — is not, nor an address without code. Every read
    /// is made at one block (<paramref name="block"/>, else the newest now). Throws what the node throws,
    /// and what the contract's <c>owner</c> call throws (an address that is no anchor reverts it:
    /// <see cref="ChainErrors.IsExecutionFailure"/>).
    /// </summary>
    public static async Task<bool> RunsThisCodeAsync(IWeb3 web3, string address, BlockParameter? block = null)
    {
        ArgumentNullException.ThrowIfNull(web3);
        block ??= new BlockParameter(await web3.Eth.Blocks.GetBlockNumber.SendRequestAsync());
        var code = await web3.Eth.GetCode.SendRequestAsync(address, block);
        if (string.IsNullOrEmpty(code) || code is "0x" or "0x0")
        {
            return false;
        }

        var owner = await web3.Eth.GetContract(Abi, address).GetFunction("owner").CallAsync<string>(block);
        var deployed = await web3.Eth.Transactions.Call.SendRequestAsync(new CallInput { From = owner, Data = "0x" + Bytecode }, block);
        return WithoutMetadata(code.HexToByteArray()).SequenceEqual(WithoutMetadata(deployed.HexToByteArray()));
    }

    /// <summary>Solidity's runtime code less its CBOR metadata trailer (its length in the last two bytes), when it has one.</summary>
    private static ReadOnlySpan<byte> WithoutMetadata(byte[] code)
    {
        if (code.Length < 2)
        {
            return code;
        }

        var trailer = (code[^2] << 8) | code[^1];
        return trailer + 2 <= code.Length ? code.AsSpan(0, code.Length - trailer - 2) : code;
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
