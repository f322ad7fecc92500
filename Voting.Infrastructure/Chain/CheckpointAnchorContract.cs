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
    /// Whether the contract at <paramref name="address"/> is this version, one that checks a consistency
    /// proof with every checkpoint after an election's first: it answers <c>isConsistent</c>. An earlier
    /// one reverts the call (it has no such function) and would take a root that rewrites the log.
    /// </summary>
    public static async Task<bool> ChecksConsistencyAsync(IWeb3 web3, string address)
    {
        ArgumentNullException.ThrowIfNull(web3);
        var root = new byte[32];
        root[^1] = 1;
        var call = web3.Eth.GetContract(Abi, address).GetFunction("isConsistent").GetData(1UL, 1UL, root, root, new List<byte[]>());
        try
        {
            var answer = await web3.Eth.Transactions.Call.SendRequestAsync(new CallInput(call, address), BlockParameter.CreateLatest());
            return answer.HexToByteArray() is { Length: 32 } word && word[^1] == 1 && word.AsSpan(0, 31).IndexOfAnyExcept((byte)0) < 0;
        }
        catch (RpcResponseException refused) when (refused.RpcError?.Code == 3 || refused.Message.Contains("revert", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }
    }

    /// <summary>
    /// Whether the contract at <paramref name="address"/> runs exactly this version's code: the node runs
    /// the creation code as a call from the contract's owner (the one value a deployment writes into
    /// its code) and returns the code that would leave, compared byte for byte with what is there. A
    /// contract of other code — a look-alike that lets roots be replaced, an earlier version — is not,
    /// nor an address without code.
    /// Throws what the node or the contract's <c>owner</c> call throws (an address that is no anchor reverts it).
    /// </summary>
    public static async Task<bool> RunsThisCodeAsync(IWeb3 web3, string address, BlockParameter? block = null)
    {
        ArgumentNullException.ThrowIfNull(web3);
        block ??= BlockParameter.CreateLatest();
        var code = await web3.Eth.GetCode.SendRequestAsync(address, block);
        if (string.IsNullOrEmpty(code) || code is "0x" or "0x0")
        {
            return false;
        }

        var owner = await web3.Eth.GetContract(Abi, address).GetFunction("owner").CallAsync<string>(block);
        var deployed = await web3.Eth.Transactions.Call.SendRequestAsync(new CallInput { From = owner, Data = "0x" + Bytecode }, block);
        return string.Equals(deployed, code, StringComparison.OrdinalIgnoreCase);
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
