using System.Text.Json;
using Voting.Core.Ballots;

namespace Voting.Verifier;

/// <summary>
/// Where the election authority published that an election's roots are anchored: the election, the
/// chain and the contract. The voter or auditor gets these apart from any proof document (the
/// receipt names the election; the authority publishes the chain and contract) and gives them on the
/// command line. Nothing of them is taken from the document: whoever serves a proof could name another
/// election in the same contract (a log of their own making that holds the receipt), or another chain
/// where a contract at the same address holds other roots.
/// </summary>
/// <param name="ElectionId">The election, exactly as the receipt names it.</param>
/// <param name="ChainId">The chain's id (EIP-155).</param>
/// <param name="Contract">The anchor contract's address.</param>
public sealed record PublishedAnchor(string ElectionId, long ChainId, string Contract)
{
    /// <summary>Why <paramref name="electionId"/> and <paramref name="chainId"/> can't be what an authority published, or null.</summary>
    public static string? Refusal(string? electionId, long chainId) =>
        !ElectionIdRule.IsValid(electionId) ? $"--election {Quoted(electionId)} is not an election id ({ElectionIdRule.Description})"
        : chainId < 1 ? $"--chain-id must be a chain id (1 or more); got {chainId}"
        : null;

    /// <summary>
    /// The refusal of a document naming another election or chain than this one, or null. The document's
    /// election must be this one exactly (no case folding: a look-alike is another election); a document
    /// that names no chain is not refused for it (the node's chain id is checked apart).
    /// </summary>
    public string? Mismatch(string? documentElectionId, long documentChainId) =>
        !string.Equals(documentElectionId, ElectionId, StringComparison.Ordinal)
            ? $"the proof is for election {Quoted(documentElectionId)}, not {ElectionId}: it proves nothing about {ElectionId}"
            : documentChainId > 0 && documentChainId != ChainId
                ? $"the proof says it is anchored on chain {documentChainId}, not on chain {ChainId} where the anchors of {ElectionId} are published"
                : null;

    /// <summary>The refusal of a node that serves another chain than this one (<paramref name="nodeChainId"/>, from <paramref name="node"/>), or null.</summary>
    public string? NodeMismatch(string node, long nodeChainId) =>
        nodeChainId == ChainId
            ? null
            : $"chain id mismatch: the node at {node} serves chain {nodeChainId}, but the anchors of {ElectionId} are published on chain {ChainId}";

    /// <summary>A value from a document or the command line as JSON writes it: quotes, and every control, invisible or non-ASCII character escaped.</summary>
    public static string Quoted(string? value) => value is null ? "(none)" : JsonSerializer.Serialize(value, VerifierJson.Default.String);
}
