using Voting.Core.Audit;
using Voting.Core.Merkle;

namespace Voting.Verifier;

/// <summary>
/// Checks an <see cref="InclusionProofDocument"/>: it must be for the voter's own receipt, and that
/// receipt, its leaf index and audit path must lead to the root the anchor contract holds for the
/// document's tree size. The document's own
/// <see cref="InclusionProofDocument.Root"/> is never trusted; it is only compared with the chain's
/// to say when it is wrong.
/// </summary>
/// <param name="openAnchorLog">Opens the anchor log of the contract at the given address.</param>
public sealed class ReceiptVerifier(Func<string, IAnchorLog> openAnchorLog)
{
    /// <summary>Verifies the document against the chain.</summary>
    /// <param name="document">The proof as read from the file.</param>
    /// <param name="published">
    /// The election, chain and contract the election authority published, which the voter got apart from
    /// the document: the document's own are not trusted (whoever serves the proof could name a contract
    /// of their own, or another election or chain, whose roots would make the receipt verify).
    /// </param>
    /// <param name="yourReceipt">
    /// The receipt the voter was given, which they hold apart from the document: a genuine proof of
    /// another ballot (served in place of a ballot that was dropped) proves nothing about theirs.
    /// </param>
    /// <param name="cancellationToken">Cancels the chain calls.</param>
    /// <returns>The verdict; never throws for a bad document, a failed check or an unreachable node.</returns>
    public async Task<Verdict> VerifyAsync(InclusionProofDocument document, PublishedAnchor published, string yourReceipt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(document);
        try
        {
            return await CheckAsync(document, published, yourReceipt, cancellationToken);
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

    private async Task<Verdict> CheckAsync(InclusionProofDocument document, PublishedAnchor published, string yourReceipt, CancellationToken cancellationToken)
    {
        // Everything in the document is parsed before the chain is asked: a malformed document cannot be checked.
        _ = string.IsNullOrEmpty(document.ElectionId) ? throw new CannotCheckException("electionId is missing") : document.ElectionId;
        var receipt = HashHex.Parse(document.Receipt, "receipt");
        var path = ParsePath(document.Path);
        var claimedRoot = HashHex.ParseOptional(document.Root, "root");
        if (document.TreeSize < 1)
        {
            throw new CannotCheckException($"treeSize is missing or not a size ({document.TreeSize})");
        }

        if (document.LeafIndex < 0)
        {
            throw new CannotCheckException($"leafIndex is not an index ({document.LeafIndex})");
        }

        var contract = HashHex.ParseAddress(published.Contract, "--contract");
        var yours = HashHex.Parse(yourReceipt, "--receipt");
        if (!yours.AsSpan().SequenceEqual(receipt))
        {
            return Verdict.Invalid(
                $"the proof is for ballot {HashHex.Format(receipt)}, not for your receipt {HashHex.Format(yours)}: it proves nothing about your ballot");
        }

        if (published.Mismatch(document.ElectionId, document.Anchor?.ChainId ?? 0) is { } mismatch)
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

        var anchoredRoot = await chain.RootAtSizeAsync(election, document.TreeSize, cancellationToken);
        if (anchoredRoot is null)
        {
            return Verdict.Invalid($"no checkpoint of size {document.TreeSize} for election {election} on chain {chainId} in contract {contract}");
        }

        var leafHash = MerkleHashing.LeafHash(receipt);
        var claimedRootIsWrong = claimedRoot is not null && !claimedRoot.AsSpan().SequenceEqual(anchoredRoot);
        if (MerkleProofVerifier.VerifyInclusion(document.LeafIndex, document.TreeSize, leafHash, path, anchoredRoot))
        {
            var note = claimedRootIsWrong
                ? $" (the document's root field {HashHex.Short(claimedRoot)} is not that root and was ignored)"
                : "";
            return Verdict.Valid(
                $"ballot {HashHex.Format(receipt)} is leaf {document.LeafIndex} of the {election} log, size {document.TreeSize}, " +
                $"root {HashHex.Format(anchoredRoot)} anchored on chain {chainId} in contract {contract}{Depth(chain)}{note}");
        }

        byte[] impliedRoot;
        try
        {
            impliedRoot = MerkleProofVerifier.RootFromInclusionProof(document.LeafIndex, document.TreeSize, leafHash, path);
        }
        catch (MerkleProofException e)
        {
            return Verdict.Invalid($"the audit path cannot prove leaf {document.LeafIndex} in a tree of size {document.TreeSize}: {e.Message.TrimEnd('.')}");
        }

        if (claimedRootIsWrong && impliedRoot.AsSpan().SequenceEqual(claimedRoot))
        {
            return Verdict.Invalid(
                $"the document's root {HashHex.Format(claimedRoot!)} is not the root anchored for size {document.TreeSize} " +
                $"({HashHex.Format(anchoredRoot)} on chain {chainId} in contract {contract}); its audit path leads only to the unanchored root");
        }

        var aside = claimedRootIsWrong ? $"; the document's root field {HashHex.Short(claimedRoot)} differs from the anchored root too" : "";
        return Verdict.Invalid(
            $"the audit path does not lead to the anchored root: ballot {HashHex.Short(receipt)} at leaf {document.LeafIndex} with this path gives root " +
            $"{HashHex.Format(impliedRoot)}, but chain {chainId} contract {contract} holds {HashHex.Format(anchoredRoot)} for size {document.TreeSize}{aside}");
    }

    /// <summary>What the VALID line says of the anchor's depth: the depth required, or that none was.</summary>
    internal static string Depth(IAnchorLog chain) =>
        chain.Confirmations switch
        {
            0 => ", as of the newest block (not yet final on a public chain: see --confirmations)",
            1 => ", at least 1 block deep",
            var n => $", at least {n} blocks deep",
        };

    private static byte[][] ParsePath(IReadOnlyList<string>? path) =>
        path is null
            ? throw new CannotCheckException("path is missing")
            : [.. path.Select((node, i) => HashHex.Parse(node, $"path[{i}]"))];
}
