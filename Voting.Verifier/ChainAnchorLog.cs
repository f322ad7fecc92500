using Nethereum.Hex.HexTypes;
using Nethereum.JsonRpc.Client;
using Nethereum.RPC.Eth.DTOs;
using Nethereum.Web3;
using Voting.Infrastructure.Chain;

namespace Voting.Verifier;

/// <summary>
/// <see cref="IAnchorLog"/> over JSON-RPC with a read-only client (no account: only calls, no
/// transactions). Failures to reach the node become <see cref="CannotCheckException"/>; an address
/// that does not behave as an anchor contract becomes <see cref="AnchorContractException"/>.
/// </summary>
public sealed class ChainAnchorLog : IAnchorLog
{
    private readonly IWeb3 web3;
    private readonly CheckpointAnchorClient client;
    private bool contractSeen;

    /// <summary>Creates a reader of the anchor contract at <paramref name="contractAddress"/> through the node at <paramref name="rpcUrl"/>.</summary>
    /// <param name="rpcUrl">The node's JSON-RPC URL (http or https).</param>
    /// <param name="contractAddress">The anchor contract.</param>
    /// <param name="timeout">How long one call may take.</param>
    /// <param name="confirmations">
    /// Blocks that must have been mined on top of a checkpoint's anchor: its root is read as the contract
    /// held it that many blocks before the newest (0: the newest block).
    /// </param>
    public ChainAnchorLog(Uri rpcUrl, string contractAddress, TimeSpan timeout, int confirmations = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(confirmations);
        Confirmations = confirmations;
        ArgumentNullException.ThrowIfNull(rpcUrl);
        // Scheme, host and port only: a provider's URL may carry an API key in its path or a password,
        // and verdicts are pasted into reports.
        Node = $"{rpcUrl.Scheme}://{rpcUrl.Authority}";
        ContractAddress = contractAddress;
        web3 = new ChainClientFactory(new ChainOptions { RpcUrl = rpcUrl.AbsoluteUri, RpcTimeoutSeconds = (int)Math.Ceiling(timeout.TotalSeconds) }).CreateReadOnly();
        client = new CheckpointAnchorClient(web3, contractAddress);
    }

    /// <inheritdoc />
    public string Node { get; }

    /// <inheritdoc />
    public string ContractAddress { get; }

    /// <inheritdoc />
    public int Confirmations { get; }

    /// <inheritdoc />
    public async Task<long> ChainIdAsync(CancellationToken cancellationToken)
    {
        try
        {
            var id = await web3.Eth.ChainId.SendRequestAsync().WaitAsync(cancellationToken);
            return (long)id.Value;
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            throw Unreachable("eth_chainId", e);
        }
    }

    /// <inheritdoc />
    public async Task<byte[]?> RootAtSizeAsync(string electionId, long treeSize, CancellationToken cancellationToken)
    {
        await EnsureContractAsync(cancellationToken);
        try
        {
            // Every read of one check at one block: the contract's search makes several calls, and
            // "latest" could move (or be reorganised) between them.
            var newest = (long)(await web3.Eth.Blocks.GetBlockNumber.SendRequestAsync().WaitAsync(cancellationToken)).Value;
            var found = await client.FindBySizeAsync(electionId, treeSize, At(newest)).WaitAsync(cancellationToken);
            if (found is null || Confirmations == 0)
            {
                return found?.Checkpoint.Root;
            }

            // The root as the deep block holds it: what a reorganisation can no longer undo.
            var deep = newest - Confirmations;
            if (deep < 0 || await RootHeldAtAsync(electionId, treeSize, deep, cancellationToken) is not { } deepRoot)
            {
                throw new CannotCheckException(
                    $"the checkpoint of size {treeSize} is anchored, but in {(Confirmations == 1 ? "the newest block" : $"one of the newest {Confirmations} blocks")} of the chain (newest {newest}), " +
                    $"where a reorganisation could still undo it; check again once {(Confirmations == 1 ? "a block is" : $"{Confirmations} blocks are")} mined on top of it");
            }

            return deepRoot;
        }
        catch (CannotCheckException)
        {
            throw;
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            throw ContractCallFailure(e, "a call to the anchor contract");
        }
    }

    /// <summary>
    /// What a failed call to the contract says: the node out of reach, or refusing the call for reasons of
    /// its own (rate limit, method not allowed, state unavailable: nothing checked, and the contract not to
    /// blame), or else the contract failing it (it does not behave as an anchor contract).
    /// </summary>
    private Exception ContractCallFailure(Exception e, string call) =>
        IsTransportFailure(e) ? Unreachable(call, e)
        : IsNodeRefusal(e) ? new CannotCheckException($"the chain node at {Node} refused {call}: {ChainErrors.CauseMessage(e)}", e)
        : new AnchorContractException($"the contract at {ContractAddress} does not answer as a checkpoint anchor: {ChainErrors.CauseMessage(e)}", e);

    private static BlockParameter At(long block) => new(new HexBigInteger(block));

    /// <summary>
    /// The root of the checkpoint of <paramref name="treeSize"/> the contract held at block <paramref name="block"/>;
    /// null when it held none, or had no code yet then (it is younger than the depth asked for). A node
    /// that cannot answer for that block (one that keeps no state that old) is a check that cannot be made.
    /// </summary>
    private async Task<byte[]?> RootHeldAtAsync(string electionId, long treeSize, long block, CancellationToken cancellationToken)
    {
        var at = At(block);
        try
        {
            var code = await web3.Eth.GetCode.SendRequestAsync(ContractAddress, at).WaitAsync(cancellationToken);
            if (string.IsNullOrEmpty(code) || code is "0x" or "0x0")
            {
                return null;
            }

            return (await client.FindBySizeAsync(electionId, treeSize, at).WaitAsync(cancellationToken))?.Checkpoint.Root;
        }
        catch (Exception e) when (IsTransportFailure(e) && !cancellationToken.IsCancellationRequested)
        {
            throw Unreachable($"a call to the anchor contract at block {block}", e);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw new CannotCheckException(
                $"the node at {Node} could not read the anchor contract as of block {block} ({ChainErrors.CauseMessage(e)}); " +
                "it may keep no state that old: ask an archive node, or fewer --confirmations", e);
        }
    }

    private async Task EnsureContractAsync(CancellationToken cancellationToken)
    {
        if (contractSeen)
        {
            return;
        }

        string code;
        try
        {
            code = await web3.Eth.GetCode.SendRequestAsync(ContractAddress).WaitAsync(cancellationToken);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            throw Unreachable("eth_getCode", e);
        }

        if (string.IsNullOrEmpty(code) || code is "0x" or "0x0")
        {
            throw new AnchorContractException($"there is no contract at {ContractAddress} on the chain the node at {Node} serves");
        }

        // The roots it holds are worth what its code guarantees: append-only, and no checkpoint that does
        // not extend the one before. A contract of other code at the published address could replace them.
        bool runsThisCode;
        try
        {
            runsThisCode = await CheckpointAnchorContract.RunsThisCodeAsync(web3, ContractAddress).WaitAsync(cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            throw ContractCallFailure(e, "a call to the anchor contract");
        }

        if (!runsThisCode)
        {
            throw new AnchorContractException(
                $"the contract at {ContractAddress} does not run the anchor contract's code as this verifier knows it (append-only, refusing a checkpoint that does not extend the one before), so the roots it holds prove nothing");
        }

        contractSeen = true;
    }

    private static bool IsTransportFailure(Exception e) =>
        ChainErrors.IsNoAnswer(e) || e is RpcClientUnknownException or RpcClientTimeoutException or HttpRequestException or TimeoutException or TaskCanceledException
        || (e.InnerException is { } inner && IsTransportFailure(inner));

    /// <summary>An error answer of the node that is not the contract's code failing (<see cref="ChainErrors.IsExecutionFailure"/>).</summary>
    private static bool IsNodeRefusal(Exception e) =>
        !ChainErrors.IsExecutionFailure(e) && HasResponse(e);

    private static bool HasResponse(Exception e) =>
        e is RpcResponseException || (e.InnerException is { } inner && HasResponse(inner));

    private CannotCheckException Unreachable(string call, Exception e) =>
        new($"cannot reach the chain node at {Node} ({call} failed: {ChainErrors.CauseMessage(e)})", e);
}
