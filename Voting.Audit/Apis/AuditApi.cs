using Microsoft.AspNetCore.Http.HttpResults;
using Voting.Audit.Anchoring;
using Voting.Audit.Auditing;
using Voting.Audit.Logs;
using Voting.Core.Audit;
using Voting.Core.Ballots;
using Voting.Infrastructure.Chain;
using Voting.Infrastructure.Elections;
using Voting.Infrastructure.Storage;

namespace Voting.Audit.Apis;

/// <summary>Read APIs over the elections' Merkle logs (checkpoints, proofs) and on-demand audits.</summary>
public static class AuditApi
{
    public static void MapAuditApi(this IEndpointRouteBuilder app)
    {
        var audit = app.MapGroup("/api/v1/audit").WithTags("Audit").AddEndpointFilter<StoreUnavailableFilter>();
        audit.MapGet("/elections/{electionId}/checkpoints", ListCheckpointsAsync).WithName("ListCheckpoints");
        audit.MapGet("/elections/{electionId}/checkpoints/latest", LatestCheckpointAsync).WithName("LatestCheckpoint");
        audit.MapGet("/elections/{electionId}/consistency", ConsistencyAsync).WithName("ConsistencyProof");
        audit.MapGet("/receipts/{receipt}/proof", InclusionAsync).WithName("InclusionProof");
        audit.MapPost("/elections/{electionId}/audits", RunAuditAsync).WithName("RunAudit");
        audit.MapGet("/elections/{electionId}/audits/latest", LatestAudit).WithName("LatestAudit");
    }

    internal static async Task<Results<Ok<CheckpointList>, ProblemHttpResult>> ListCheckpointsAsync(
        string electionId, ElectionRegistry elections, CheckpointStore checkpoints, MerkleLogReader log, ChainClientFactory chain, CancellationToken cancellationToken)
    {
        if (elections.Find(electionId) is null)
        {
            return AuditProblems.UnknownElection(electionId);
        }

        var list = await checkpoints.ListAsync(electionId, cancellationToken);
        var contract = string.IsNullOrEmpty(chain.Options.AnchorContractAddress)
            ? await checkpoints.AnchorContractAsync(chain.Options.ChainId, cancellationToken)
            : chain.Options.AnchorContractAddress;
        return TypedResults.Ok(new CheckpointList(
            electionId, chain.Options.ChainId, contract, await log.TreeSizeAsync(electionId, cancellationToken),
            list.Count(c => c.IsQueued), [.. list.Select(View)], list.Count(c => c.IsConfirming)));
    }

    internal static async Task<Results<Ok<CheckpointView>, ProblemHttpResult>> LatestCheckpointAsync(
        string electionId, ElectionRegistry elections, CheckpointStore checkpoints, CancellationToken cancellationToken)
    {
        if (elections.Find(electionId) is null)
        {
            return AuditProblems.UnknownElection(electionId);
        }

        if (await checkpoints.LatestAsync(electionId, cancellationToken) is { } latest)
        {
            return TypedResults.Ok(View(latest));
        }

        return TypedResults.Problem(statusCode: 404, title: "No checkpoint yet.", type: AuditProblems.TypePrefix + "no-checkpoint-yet",
            detail: $"The log of {electionId} has no checkpoint yet; one is taken every interval once ballots are recorded.");
    }

    internal static async Task<Results<Ok<InclusionProofDocument>, ProblemHttpResult>> InclusionAsync(
        string receipt, long? treeSize, MerkleLogReader log, CheckpointStore checkpoints, MerkleTreeCache trees, ChainClientFactory chain,
        AnchorContractLocator contracts, CancellationToken cancellationToken)
    {
        if (!BallotHash.TryParseReceipt(receipt?.ToLowerInvariant(), out var hash))
        {
            return AuditProblems.MalformedReceipt();
        }

        if (await log.FindAsync(hash, cancellationToken) is not { } found)
        {
            return AuditProblems.UnknownReceipt();
        }

        var anchored = (await checkpoints.ListAsync(found.ElectionId, cancellationToken)).Where(c => c.IsAnchored).ToList();
        var checkpoint = treeSize is { } size
            ? anchored.FirstOrDefault(c => c.TreeSize == size)
            : anchored.LastOrDefault();
        if (treeSize is not null && checkpoint is null)
        {
            return AuditProblems.NoSuchAnchor(treeSize.Value);
        }

        if (checkpoint is null || checkpoint.TreeSize <= found.LeafIndex)
        {
            return treeSize is null ? AuditProblems.NotAnchoredYet(found.LeafIndex) : AuditProblems.BadSizes($"Leaf {found.LeafIndex} is not in the tree of size {treeSize}.");
        }

        var contract = await contracts.GetAsync(cancellationToken);
        var path = await trees.WithTreeAsync(
            found.ElectionId, tree => tree.Size < checkpoint.TreeSize ? null : tree.InclusionProof(found.LeafIndex, checkpoint.TreeSize), cancellationToken);
        if (path is null)
        {
            return AuditProblems.LogShorterThanAnchor(checkpoint.TreeSize);
        }

        return TypedResults.Ok(new InclusionProofDocument(
            found.ElectionId, Convert.ToHexStringLower(hash), found.LeafIndex, checkpoint.TreeSize, [.. path.Select(Convert.ToHexStringLower)],
            Convert.ToHexStringLower(checkpoint.Root),
            new AnchorReference(chain.Options.ChainId, contract.ContractAddress, checkpoint.TransactionHash!, checkpoint.BlockNumber ?? 0)));
    }

    internal static async Task<Results<Ok<ConsistencyProofDocument>, ProblemHttpResult>> ConsistencyAsync(
        string electionId, long from, long to, ElectionRegistry elections, CheckpointStore checkpoints, MerkleTreeCache trees, ChainClientFactory chain,
        AnchorContractLocator contracts, CancellationToken cancellationToken)
    {
        if (elections.Find(electionId) is null)
        {
            return AuditProblems.UnknownElection(electionId);
        }

        if (from < 1 || to < from)
        {
            return AuditProblems.BadSizes($"Need 1 <= from <= to; got from={from}, to={to}.");
        }

        var anchored = (await checkpoints.ListAsync(electionId, cancellationToken)).Where(c => c.IsAnchored).ToDictionary(c => c.TreeSize);
        if (!anchored.TryGetValue(from, out var older))
        {
            return AuditProblems.NoSuchAnchor(from);
        }

        if (!anchored.TryGetValue(to, out var newer))
        {
            return AuditProblems.NoSuchAnchor(to);
        }

        var contract = await contracts.GetAsync(cancellationToken);
        var path = await trees.WithTreeAsync(electionId, tree => tree.Size < to ? null : tree.ConsistencyProof(from, to), cancellationToken);
        if (path is null)
        {
            return AuditProblems.LogShorterThanAnchor(to);
        }

        return TypedResults.Ok(new ConsistencyProofDocument(
            electionId, from, to, Convert.ToHexStringLower(older.Root), Convert.ToHexStringLower(newer.Root),
            [.. path.Select(Convert.ToHexStringLower)], chain.Options.ChainId, contract.ContractAddress));
    }

    internal static async Task<Results<Ok<AuditReport>, ProblemHttpResult>> RunAuditAsync(
        string electionId, ElectionRegistry elections, AuditRunner runner, CancellationToken cancellationToken)
    {
        if (elections.Find(electionId) is null)
        {
            return AuditProblems.UnknownElection(electionId);
        }

        return TypedResults.Ok(await runner.RunAsync(electionId, cancellationToken));
    }

    internal static Results<Ok<AuditReport>, ProblemHttpResult> LatestAudit(string electionId, ElectionRegistry elections, AuditRunner runner)
    {
        if (elections.Find(electionId) is null)
        {
            return AuditProblems.UnknownElection(electionId);
        }

        return runner.Latest(electionId) is { } report ? TypedResults.Ok(report) : AuditProblems.NoAudit(electionId);
    }

    private static CheckpointView View(Checkpoint c) => new(
        c.TreeSize, Convert.ToHexStringLower(c.Root), DateTime.SpecifyKind(c.CreatedAt, DateTimeKind.Utc), c.IsAnchored ? "anchored" : c.IsConfirming ? "confirming" : "queued",
        c.TransactionHash, c.BlockNumber, c.AnchoredAt is { } at ? DateTime.SpecifyKind(at, DateTimeKind.Utc) : null,
        c.LastError is null ? null : PublicErrorText.Redact(c.LastError));
}
