using Voting.Core.Audit;
using Voting.Core.Merkle;

namespace Voting.Verifier;

/// <summary>
/// Checks a <see cref="ConsistencyProofDocument"/>: the proof must lead from the root anchored for
/// <see cref="ConsistencyProofDocument.FromSize"/> to the root anchored for
/// <see cref="ConsistencyProofDocument.ToSize"/>, i.e. the log only grew in between. The
/// document's roots are never trusted; they are only compared with the chain's.
/// </summary>
/// <param name="openAnchorLog">Opens the anchor log of the contract at the given address.</param>
public sealed class ConsistencyVerifier(Func<string, IAnchorLog> openAnchorLog)
{
    /// <summary>Verifies the document against the chain.</summary>
    /// <param name="document">The proof as read from the file.</param>
    /// <param name="published">
    /// The election, chain and contract the election authority published, which the auditor got apart
    /// from the document: the document's own are not trusted (whoever serves the proof could name a
    /// contract of their own, or another election or chain, whose roots the proof would fit).
    /// </param>
    /// <param name="cancellationToken">Cancels the chain calls.</param>
    /// <returns>The verdict; never throws for a bad document, a failed check or an unreachable node.</returns>
    public async Task<Verdict> VerifyAsync(ConsistencyProofDocument document, PublishedAnchor published, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(document);
        try
        {
            return await CheckAsync(document, published, cancellationToken);
        }
        catch (CannotCheckException e)
        {
            return Verdict.CannotCheck(e.Message);
        }
        catch (AnchorContractException e)
        {
            return Verdict.Invalid(e.Message);
        }
    }

    private async Task<Verdict> CheckAsync(ConsistencyProofDocument document, PublishedAnchor published, CancellationToken cancellationToken)
    {
        _ = string.IsNullOrEmpty(document.ElectionId) ? throw new CannotCheckException("electionId is missing") : document.ElectionId;
        var path = document.Path is null
            ? throw new CannotCheckException("path is missing")
            : document.Path.Select((node, i) => HashHex.Parse(node, $"path[{i}]")).ToArray();
        var claimedFrom = HashHex.ParseOptional(document.FromRoot, "fromRoot");
        var claimedTo = HashHex.ParseOptional(document.ToRoot, "toRoot");
        var contract = HashHex.ParseAddress(published.Contract, "--contract");
        var (from, to) = (document.FromSize, document.ToSize);
        if (from < 1 || to < 1)
        {
            throw new CannotCheckException($"{(from < 1 ? "fromSize" : "toSize")} is missing or not a size ({(from < 1 ? from : to)})");
        }

        if (published.Mismatch(document.ElectionId, document.ChainId) is { } mismatch)
        {
            return Verdict.Invalid(mismatch);
        }

        var election = published.ElectionId;
        var chain = openAnchorLog(contract);
        var chainId = await chain.ChainIdAsync(cancellationToken);
        if (published.NodeMismatch(chain.Node, chainId) is { } otherChain)
        {
            return Verdict.Invalid(otherChain);
        }

        if (from > to)
        {
            return Verdict.Invalid($"fromSize {from} is larger than toSize {to}: a log never shrinks");
        }

        var root1 = await chain.RootAtSizeAsync(election, from, cancellationToken);
        if (root1 is null)
        {
            return Verdict.Invalid($"no checkpoint of size {from} for election {election} on chain {chainId} in contract {contract}");
        }

        var root2 = await chain.RootAtSizeAsync(election, to, cancellationToken);
        if (root2 is null)
        {
            return Verdict.Invalid($"no checkpoint of size {to} for election {election} on chain {chainId} in contract {contract}");
        }

        var wrongFields = new List<string>();
        if (claimedFrom is not null && !claimedFrom.AsSpan().SequenceEqual(root1))
        {
            wrongFields.Add($"fromRoot {HashHex.Short(claimedFrom)}");
        }

        if (claimedTo is not null && !claimedTo.AsSpan().SequenceEqual(root2))
        {
            wrongFields.Add($"toRoot {HashHex.Short(claimedTo)}");
        }

        var wrong = wrongFields.Count == 0 ? "" : $"the document's {string.Join(" and ", wrongFields)} differ{(wrongFields.Count == 1 ? "s" : "")} from the anchored root{(wrongFields.Count == 1 ? "" : "s")}";
        if (MerkleProofVerifier.VerifyConsistency(from, to, path, root1, root2))
        {
            return Verdict.Valid(
                $"the {election} log at size {to} (root {HashHex.Format(root2)}) extends its log at size {from} (root {HashHex.Format(root1)}), " +
                $"both anchored on chain {chainId} in contract {contract}{ReceiptVerifier.Depth(chain)}{(wrong.Length == 0 ? "" : $" ({wrong} and {(wrongFields.Count == 1 ? "was" : "were")} ignored)")}");
        }

        return Verdict.Invalid(
            $"the consistency proof ({path.Length} nodes) does not lead from the root anchored for size {from} ({HashHex.Format(root1)}) " +
            $"to the root anchored for size {to} ({HashHex.Format(root2)}) on chain {chainId} in contract {contract}{(wrong.Length == 0 ? "" : "; " + wrong)}");
    }
}
