using Voting.Infrastructure.Chain;
using Voting.Infrastructure.Storage;

namespace Voting.Audit.Anchoring;

/// <summary>
/// Finds the anchor contract: the configured address, else the one this service deployed on this
/// chain earlier (recorded in the log database), else deploys one now and records it. A contract the
/// chain has no code for is refused (<see cref="AnchorContractMissingException"/>), and so is one that does
/// not run this version's code, such as an earlier version that checks no consistency proofs
/// (<see cref="AnchorContractOutdatedException"/>); a
/// recorded one is not replaced unless <see cref="ChainOptions.RedeployWhenContractMissing"/> says the
/// chain is one that gets reset.
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
            var chainId = chain.Options.ChainId;
            var address = chain.Options.AnchorContractAddress;
            if (!string.IsNullOrEmpty(address))
            {
                if (!await HasCodeAsync(web3, address))
                {
                    throw new AnchorContractMissingException(
                        $"The configured anchor contract {address} (Voting:Chain:AnchorContractAddress) has no code on chain {chainId}: the chain node (Voting:Chain:RpcUrl) is behind or on another chain, or the address is wrong. Anchoring waits for it.");
                }

                if (!await RunsThisCodeAsync(web3, address))
                {
                    throw new AnchorContractOutdatedException(
                        $"The configured anchor contract {address} (Voting:Chain:AnchorContractAddress) on chain {chainId} does not run this version's code: an earlier version, which takes a checkpoint without a consistency proof from the one before, or another contract. " +
                        "Anchoring waits: name a contract deployed from this version, or leave the setting empty and set Voting:Chain:RedeployWhenContractMissing to true once to have one deployed.");
                }
            }
            else
            {
                address = await store.AnchorContractAsync(chainId, cancellationToken);
                if (address is not null && await UnusableAsync(web3, address, chainId) is { } unusable)
                {
                    // A new contract would start the chain's record of this log afresh: every anchor
                    // made so far would stay in the old one, and proofs naming the new one would find
                    // none of them. Only a chain reset on purpose (a local one) may do that.
                    if (!chain.Options.RedeployWhenContractMissing)
                    {
                        throw unusable;
                    }

                    LogReplaced(logger, address, chainId, unusable.Message);
                    address = null;
                }

                if (address is null)
                {
                    var receipt = await CheckpointAnchorContract.DeployAsync(web3, cancellationToken);
                    address = receipt.ContractAddress;
                    await store.SetAnchorContractAsync(chainId, address, receipt.TransactionHash, cancellationToken);
                    LogDeployed(logger, address, chainId, receipt.TransactionHash);
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "The recorded anchor contract {Address} on chain {ChainId} cannot be anchored with, and RedeployWhenContractMissing is on: deploying a new one; the anchors made so far stay in the old one. {Reason}")]
    private static partial void LogReplaced(ILogger logger, string address, long chainId, string reason);

    /// <summary>Why the recorded contract at <paramref name="address"/> cannot be anchored with (no code on the chain, or other code), or null.</summary>
    private static async Task<Exception?> UnusableAsync(Nethereum.Web3.IWeb3 web3, string address, long chainId) =>
        !await HasCodeAsync(web3, address)
            ? new AnchorContractMissingException(
                $"The recorded anchor contract {address} has no code on chain {chainId}: the chain node (Voting:Chain:RpcUrl) is behind or on another chain. " +
                "Anchoring waits for it. If the chain was reset on purpose, set Voting:Chain:AnchorContractAddress to the contract to use, or Voting:Chain:RedeployWhenContractMissing to true to deploy a new one.")
            : !await RunsThisCodeAsync(web3, address)
                ? new AnchorContractOutdatedException(
                    $"The recorded anchor contract {address} on chain {chainId} does not run this version's code: an earlier version, which takes a checkpoint without a consistency proof from the one before, or another contract. " +
                    "Anchoring waits: set Voting:Chain:AnchorContractAddress to a contract deployed from this version, or Voting:Chain:RedeployWhenContractMissing to true (once) to deploy one; the anchors made so far stay in the old contract.")
                : null;

    /// <summary>
    /// Whether the contract runs this version's code (<see cref="CheckpointAnchorContract.RunsThisCodeAsync"/>);
    /// one whose code fails the check's call is not. The node's own trouble is thrown, never taken for a
    /// contract of other code: on a development chain that would deploy a new one.
    /// </summary>
    private static async Task<bool> RunsThisCodeAsync(Nethereum.Web3.IWeb3 web3, string address)
    {
        try
        {
            return await CheckpointAnchorContract.RunsThisCodeAsync(web3, address);
        }
        catch (Exception e) when (ChainErrors.IsExecutionFailure(e))
        {
            return false;
        }
    }

    private static async Task<bool> HasCodeAsync(Nethereum.Web3.IWeb3 web3, string address) =>
        (await web3.Eth.GetCode.SendRequestAsync(address)).Length > 2;
}
