using Voting.Infrastructure.Chain;
using Voting.Infrastructure.Storage;

namespace Voting.Audit.Anchoring;

/// <summary>
/// Finds the anchor contract: the configured address, else the one this service deployed on this
/// chain earlier (recorded in the log database), else deploys one now and records it. A recorded
/// contract the chain has no code for is refused (<see cref="AnchorContractMissingException"/>), not
/// replaced, unless <see cref="ChainOptions.RedeployWhenContractMissing"/> says the chain is one that gets reset.
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
                    // A new contract would start the chain's record of this log afresh: every anchor
                    // made so far would stay in the old one, and proofs naming the new one would find
                    // none of them. Only a chain reset on purpose (a local one) may do that.
                    if (!chain.Options.RedeployWhenContractMissing)
                    {
                        throw new AnchorContractMissingException(
                            $"The recorded anchor contract {address} has no code on chain {chain.Options.ChainId}: the chain node (Voting:Chain:RpcUrl) is behind or on another chain. " +
                            "Anchoring waits for it. If the chain was reset on purpose, set Voting:Chain:AnchorContractAddress to the contract to use, or Voting:Chain:RedeployWhenContractMissing to true to deploy a new one.");
                    }

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

            client = new CheckpointAnchorClient(
                web3, address, TimeSpan.FromSeconds(chain.Options.ReceiptTimeoutSeconds), chain.Options.MaxFeePerGasGwei * AnchorFee.WeiPerGwei);
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "The recorded anchor contract {Address} has no code on chain {ChainId} (the chain was reset, and RedeployWhenContractMissing is on); deploying a new one")]
    private static partial void LogContractGone(ILogger logger, string address, long chainId);
}
