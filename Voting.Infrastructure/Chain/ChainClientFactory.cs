using Nethereum.JsonRpc.Client;
using Nethereum.RPC.TransactionReceipts;
using Nethereum.Web3;
using Nethereum.Web3.Accounts;

namespace Voting.Infrastructure.Chain;

/// <summary>Builds Nethereum clients with the settings INFRA.md found necessary: a short RPC timeout and fast receipt polling.</summary>
public sealed class ChainClientFactory(ChainOptions options)
{
    public ChainOptions Options { get; } = options;

    /// <summary>A client that signs with the anchoring account.</summary>
    public IWeb3 CreateSigning()
    {
        ClientBase.ConnectionTimeout = TimeSpan.FromSeconds(Options.RpcTimeoutSeconds);
        var account = new Account(Options.AnchorPrivateKey, Options.ChainId);
        var web3 = new Web3(account, Options.RpcUrl);
        web3.TransactionManager.TransactionReceiptService =
            new TransactionReceiptPollingService(web3.TransactionManager, Options.ReceiptPollMilliseconds);
        return web3;
    }

    /// <summary>A read-only client.</summary>
    public IWeb3 CreateReadOnly()
    {
        ClientBase.ConnectionTimeout = TimeSpan.FromSeconds(Options.RpcTimeoutSeconds);
        return new Web3(Options.RpcUrl);
    }
}
