using Nethereum.Web3;
using Voting.Console.Blazor.Anchors;
using Voting.Core.Audit;
using Voting.Core.Ballots;
using Voting.Core.Merkle;
using Voting.Infrastructure.Chain;

namespace Voting.Console.Blazor.Proofs;

/// <summary>
/// Checks a receipt as an independent verifier would: the proof comes from the audit service, but
/// the root it must lead to is read from the chain (the node this console is configured with, which
/// must be the chain the proof names), from the anchor contract the console is pinned to
/// (<see cref="ChainReadOptions.AnchorContractAddress"/>), never taken from the proof. Anyone may
/// check receipts here, many at once: the node's chain id and a contract found running the anchor
/// contract's code are remembered for <see cref="RememberFor"/>, so a check costs the node only the
/// checkpoint's lookup, not five more requests (chain id, block number, code, owner, creation code).
/// </summary>
public sealed class ReceiptChecker(AuditClient audit, ChainReadOptions chain)
{
    /// <summary>How long a chain id read and a contract's code check are taken as they were.</summary>
    public static readonly TimeSpan RememberFor = TimeSpan.FromMinutes(10);

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, long> contractsCheckedAt = new(StringComparer.OrdinalIgnoreCase);
    private (long ChainId, long ReadAt)? chainIdRead;

    public async Task<ReceiptCheck> CheckAsync(string? receiptText, CancellationToken cancellationToken)
    {
        var receipt = receiptText?.Trim().ToLowerInvariant();
        if (!BallotHash.TryParseReceipt(receipt, out var ballotHash))
        {
            return ReceiptCheck.CannotCheck("A receipt is 64 hexadecimal characters (the ballot's SHA-256), as printed when the vote was cast.");
        }

        InclusionProofDocument proof;
        try
        {
            proof = await audit.InclusionProofAsync(receipt!, cancellationToken);
        }
        catch (AuditServiceException e)
        {
            // The audit service's own answer (an unknown receipt, say) is public; where it lives is not:
            // anyone may open this page.
            return ReceiptCheck.CannotCheck(e.Status is null ? "The audit service can't be reached right now; try again shortly." : e.Message);
        }

        var leafHash = MerkleHashing.LeafHash(ballotHash);
        IReadOnlyList<InclusionStep> steps;
        try
        {
            steps = MerkleInclusionPath.Walk(proof.LeafIndex, proof.TreeSize, leafHash, [.. proof.Path.Select(Convert.FromHexString)]);
        }
        catch (Exception e) when (e is MerkleProofException or FormatException)
        {
            return new ReceiptCheck(ProofVerdict.Invalid, "The proof is malformed: " + e.Message, proof, leafHash, [], null);
        }

        var pinned = chain.AnchorContractAddress;
        if (pinned.Length > 0 && !string.Equals(pinned, proof.Anchor.Contract, StringComparison.OrdinalIgnoreCase))
        {
            return new ReceiptCheck(
                ProofVerdict.Invalid,
                $"The proof names anchor contract {proof.Anchor.Contract}, not {pinned}, the one this console is pinned to (Voting:Chain:AnchorContractAddress): whoever serves a proof could name a contract of their own.",
                proof, leafHash, steps, null);
        }

        var contract = pinned.Length > 0 ? pinned : proof.Anchor.Contract;
        var unpinned = pinned.Length > 0
            ? ""
            : $" (contract {contract}, as the audit service names it: this console is pinned to none; set Voting:Chain:AnchorContractAddress to the one the election authority published)";
        AnchoredCheckpoint? anchored;
        try
        {
            var web3 = new Web3(chain.RpcUrl);
            var chainId = await ChainIdAsync(web3);
            if (chainId != proof.Anchor.ChainId)
            {
                return new ReceiptCheck(ProofVerdict.Invalid, $"The proof names chain {proof.Anchor.ChainId}; the chain node this console reads is chain {chainId}.", proof, leafHash, steps, null);
            }

            var runsThisCode = contractsCheckedAt.TryGetValue(contract, out var checkedAt) && IsRecent(checkedAt);
            if (!runsThisCode)
            {
                try
                {
                    runsThisCode = await CheckpointAnchorContract.RunsThisCodeAsync(web3, contract);
                }
                catch (Exception e) when (ChainErrors.IsExecutionFailure(e))
                {
                    runsThisCode = false; // its code fails the check's own calls: no anchor contract at all
                }

                if (runsThisCode)
                {
                    contractsCheckedAt[contract] = Environment.TickCount64; // only a contract that passed: a failing one is checked again each time
                }
            }

            if (!runsThisCode)
            {
                return new ReceiptCheck(
                    ProofVerdict.Invalid,
                    $"Contract {contract} does not run the anchor contract's code as this console knows it (append-only, refusing a checkpoint that does not extend the one before), so the roots it holds prove nothing{unpinned}.",
                    proof, leafHash, steps, null);
            }

            anchored = (await new CheckpointAnchorClient(web3, contract).FindBySizeAsync(proof.ElectionId, proof.TreeSize))?.Checkpoint;
        }
        catch (Exception e) when (e is HttpRequestException or Nethereum.JsonRpc.Client.RpcClientUnknownException or Nethereum.JsonRpc.Client.RpcClientTimeoutException or TaskCanceledException)
        {
            // Not its address or the error's text: a node's URL may carry an API key, and anyone may open this page.
            return ReceiptCheck.CannotCheck("The chain node this console reads can't be reached right now; try again shortly.", proof);
        }
        catch (Exception e) when (e is Nethereum.JsonRpc.Client.RpcResponseException || ChainErrors.IsNoAnswer(e))
        {
            // The node's own error answer (a rate limit, state it does not keep), or none: nothing was checked.
            return ReceiptCheck.CannotCheck("The chain node this console reads refused or did not answer the check; try again shortly.", proof);
        }

        if (anchored is null)
        {
            return new ReceiptCheck(ProofVerdict.Invalid, $"Contract {contract} holds no checkpoint of size {proof.TreeSize} for {proof.ElectionId}{unpinned}.", proof, leafHash, steps, null);
        }

        var onChainRoot = Convert.ToHexStringLower(anchored.Root);
        var computed = steps.Count > 0 ? steps[^1].Parent : leafHash;
        return computed.AsSpan().SequenceEqual(anchored.Root)
            ? new ReceiptCheck(ProofVerdict.Valid, $"Ballot {proof.LeafIndex} of {proof.TreeSize} leads to the root anchored on chain {proof.Anchor.ChainId} in block {proof.Anchor.BlockNumber}{unpinned}.", proof, leafHash, steps, onChainRoot)
            : new ReceiptCheck(ProofVerdict.Invalid, $"The path leads to a root the chain does not hold for this tree size{unpinned}.", proof, leafHash, steps, onChainRoot);
    }

    private async Task<long> ChainIdAsync(Web3 web3)
    {
        if (chainIdRead is { } read && IsRecent(read.ReadAt))
        {
            return read.ChainId;
        }

        var chainId = (long)(await web3.Eth.ChainId.SendRequestAsync()).Value;
        chainIdRead = (chainId, Environment.TickCount64);
        return chainId;
    }

    private static bool IsRecent(long tickCount) => Environment.TickCount64 - tickCount < (long)RememberFor.TotalMilliseconds;
}
