namespace Voting.Core.Audit;

/// <summary>
/// Proof that the log at <see cref="ToSize"/> extends the log at <see cref="FromSize"/> without
/// changing or dropping anything (RFC 6962 consistency proof). Hashes are lower-case hex; a
/// verifier reads both roots from the chain.
/// </summary>
/// <param name="ElectionId">Election.</param>
/// <param name="FromSize">The older, smaller tree size.</param>
/// <param name="ToSize">The newer tree size.</param>
/// <param name="FromRoot">Root at <see cref="FromSize"/>.</param>
/// <param name="ToRoot">Root at <see cref="ToSize"/>.</param>
/// <param name="Path">Consistency proof nodes.</param>
/// <param name="ChainId">Chain holding both anchors.</param>
/// <param name="Contract">Anchor contract address.</param>
public sealed record ConsistencyProofDocument(
    string ElectionId, long FromSize, long ToSize, string FromRoot, string ToRoot, IReadOnlyList<string> Path, long ChainId, string Contract);
