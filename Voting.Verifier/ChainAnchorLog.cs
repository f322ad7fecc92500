using Nethereum.JsonRpc.Client;
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
    public ChainAnchorLog(Uri rpcUrl, string contractAddress, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(rpcUrl);
        Node = rpcUrl.OriginalString;
        ContractAddress = contractAddress;
        web3 = new ChainClientFactory(new ChainOptions { RpcUrl = rpcUrl.AbsoluteUri, RpcTimeoutSeconds = (int)Math.Ceiling(timeout.TotalSeconds) }).CreateReadOnly();
        client = new CheckpointAnchorClient(web3, contractAddress);
    }

    /// <inheritdoc />
    public string Node { get; }

    /// <inheritdoc />
    public string ContractAddress { get; }

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
            var found = await client.FindBySizeAsync(electionId, treeSize).WaitAsync(cancellationToken);
            return found?.Checkpoint.Root;
        }
        catch (Exception e) when (IsTransportFailure(e) && !cancellationToken.IsCancellationRequested)
        {
            throw Unreachable("a call to the anchor contract", e);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw new AnchorContractException($"the contract at {ContractAddress} does not answer as a checkpoint anchor: {ChainErrors.RootCause(e).Message}", e);
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

        contractSeen = true;
    }

    private static bool IsTransportFailure(Exception e) =>
        e is RpcClientUnknownException or RpcClientTimeoutException or HttpRequestException or TimeoutException or TaskCanceledException
        || (e.InnerException is { } inner && IsTransportFailure(inner));

    private CannotCheckException Unreachable(string call, Exception e) =>
        new($"cannot reach the chain node at {Node} ({call} failed: {ChainErrors.RootCause(e).Message})", e);
}
