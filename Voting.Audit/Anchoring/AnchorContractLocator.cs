using Voting.Infrastructure.Chain;
using Voting.Infrastructure.Storage;

namespace Voting.Audit.Anchoring;

/// <summary>
/// Finds the anchor contract: the configured address, else the one this service deployed on this
/// chain earlier (recorded in the log database), else deploys one now and records it.
/// </summary>
public sealed partial class AnchorContractLocator(ChainClientFactory chain, CheckpointStore store, ILogger<AnchorContractLocator> logger)
{
    private readonly SemaphoreSlim gate = new(1, 1);
    private CheckpointAnchorClient? client;

    public async Task<CheckpointAnchorClient> GetAsync(CancellationToken cancellationToken)
    {
        if (client is not null)
        {
            return client;
        }

        await gate.WaitAsync(cancellationToken);
        try
        {
            if (client is not null)
            {
                return client;
            }

            var web3 = chain.CreateSigning();
            var address = chain.Options.AnchorContractAddress;
            if (string.IsNullOrEmpty(address))
            {
                address = await store.AnchorContractAsync(chain.Options.ChainId, cancellationToken);
                if (address is not null && (await web3.Eth.GetCode.SendRequestAsync(address)).Length <= 2)
                {
                    LogContractGone(logger, address, chain.Options.ChainId);
                    address = null;
                }

                if (address is null)
                {
                    var receipt = await CheckpointAnchorContract.DeployAsync(web3, cancellationToken);
                    address = receipt.ContractAddress;
                    await store.SetAnchorContractAsync(chain.Options.ChainId, address, receipt.TransactionHash, cancellationToken);
                    LogDeployed(logger, address, chain.Options.ChainId, receipt.TransactionHash);
                }
            }

            client = new CheckpointAnchorClient(web3, address);
            return client;
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>
    /// Drops the client after a failed anchoring attempt: the next one connects afresh and checks
    /// again that the contract is on chain (a node restored from an older state may have lost it).
    /// </summary>
    public void Forget() => client = null;

    [LoggerMessage(Level = LogLevel.Information, Message = "Deployed the anchor contract at {Address} on chain {ChainId} (transaction {Transaction})")]
    private static partial void LogDeployed(ILogger logger, string address, long chainId, string transaction);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The recorded anchor contract {Address} has no code on chain {ChainId} (the chain was reset); deploying a new one")]
    private static partial void LogContractGone(ILogger logger, string address, long chainId);
}
