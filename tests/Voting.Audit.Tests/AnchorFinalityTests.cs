using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.Logging;
using Voting.Audit.Apis;
using Voting.Core.Audit;
using Voting.Infrastructure.Storage;
using Voting.TestSupport;

namespace Voting.Audit.Tests;

/// <summary>
/// On a chain of the test's own (its history is rewritten here): an anchor counts only once its block
/// is <c>ConfirmationBlocks</c> deep, and one a reorganisation undoes before that is anchored again.
/// </summary>
public sealed class AnchorFinalityTests(AuditFactory factory) : IClassFixture<AuditFactory>
{
    [Fact]
    public async Task An_anchor_counts_once_its_block_is_deep_enough_and_one_undone_by_a_reorganisation_is_anchored_again()
    {
        await using var anvil = await ScratchAnvil.StartAsync();
        factory.Settings["Voting:Chain:RpcUrl"] = anvil.RpcUrl;
        factory.Settings["Voting:Chain:ConfirmationBlocks"] = "3";
        using var client = await factory.StartAsync();
        var election = factory.Elections[0];
        var votes = await factory.RecordVotesAsync(election, 40);
        var receipt = Convert.ToHexStringLower(votes[7].BallotHash);
        var store = new CheckpointStore(factory.Shards);

        // Mined, not counted: no new block comes, so it stays short of three blocks deep.
        var mined = await StatusAsync(client, election, 40, "confirming");
        await Task.Delay(TimeSpan.FromSeconds(3));
        Assert.Equal("confirming", (await CheckpointAsync(client, election, 40))?.Status);
        Assert.Null(await store.LatestAnchoredAsync(election, CancellationToken.None));
        using (var early = await client.GetAsync(new Uri($"/api/v1/audit/receipts/{receipt}/proof", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.Conflict, early.StatusCode);
        }

        // A second checkpoint, anchored in the next block: one block on top of the first.
        await factory.RecordVotesAsync(election, 20);
        var second = await StatusAsync(client, election, 60, "confirming");
        Assert.Equal(mined.BlockNumber + 1, second.BlockNumber);
        Assert.Equal("confirming", (await CheckpointAsync(client, election, 40))?.Status);
        var list = await client.GetFromJsonAsync($"/api/v1/audit/elections/{election}/checkpoints", AuditApiJsonContext.Default.CheckpointList);
        Assert.Equal((0, 2), (list!.Queued, list.Confirming));

        // A reorganisation replaces both blocks: the chain no longer holds either checkpoint.
        var chain = await factory.AnchorsOnChainAsync();
        Assert.Equal(second.BlockNumber, await anvil.BlockNumberAsync());
        await anvil.ReorganiseAsync(2);
        // Read at that height: the service may anchor again at once, in blocks above it.
        Assert.Equal(0, await chain.CountAsync(election, new Nethereum.RPC.Eth.DTOs.BlockParameter((ulong)second.BlockNumber!.Value)));

        // The service notices, queues both again and anchors them anew, in order; they wait for three blocks again.
        await Eventually.Async(
            async () => factory.Logs.GetSnapshot().Count(r => r.Level == LogLevel.Warning && r.Message.Contains("undone by a reorganisation", StringComparison.Ordinal)) == 2,
            "both undone anchors reported");
        await Eventually.Async(async () => await chain.CountAsync(election) == 2, "both checkpoints anchored again");
        Assert.Equal([40UL, 60UL], (await chain.ListAsync(election)).Select(c => c.TreeSize));
        var again = await StatusAsync(client, election, 40, "confirming");
        var secondAgain = await StatusAsync(client, election, 60, "confirming");
        Assert.Equal((mined.Root, second.Root), (again.Root, secondAgain.Root));
        Assert.Equal(again.BlockNumber + 1, secondAgain.BlockNumber);

        // Two blocks on top of the first are not three.
        await anvil.MineAsync(1);
        await Task.Delay(TimeSpan.FromSeconds(3));
        Assert.Equal("confirming", (await CheckpointAsync(client, election, 40))?.Status);

        // Three are: the first counts, the second (two on top) still waits; then it counts too.
        await anvil.MineAsync(1);
        await StatusAsync(client, election, 40, "anchored");
        Assert.Equal("confirming", (await CheckpointAsync(client, election, 60))?.Status);
        await anvil.MineAsync(1);
        var final = await StatusAsync(client, election, 60, "anchored");
        var onChain = await chain.ListAsync(election);
        Assert.Equal([40UL, 60UL], onChain.Select(c => c.TreeSize));
        Assert.Equal(second.Root, Convert.ToHexStringLower(onChain[1].Root));
        var found = await chain.FindAnchorTransactionAsync(election, 60, Convert.FromHexString(second.Root));
        Assert.Equal((found!.TransactionHash, found.BlockNumber), (final.TransactionHash, final.BlockNumber));
        Assert.Null(final.LastError);

        var proof = await client.GetFromJsonAsync($"/api/v1/audit/receipts/{receipt}/proof", AuditApiJsonContext.Default.InclusionProofDocument);
        Assert.Equal((60L, final.TransactionHash), (proof!.TreeSize, proof.Anchor.TransactionHash));
        var audit = await AnchoringTests.RunAuditAsync(client, election);
        Assert.True(audit.Clean, string.Join("; ", audit.Findings.Select(f => $"{f.Kind} {f.Location}: {f.Detail}")));
        Assert.Equal(2, audit.AnchorsChecked);
    }

    internal static async Task<CheckpointView?> CheckpointAsync(HttpClient client, string election, long size) =>
        (await client.GetFromJsonAsync($"/api/v1/audit/elections/{election}/checkpoints", AuditApiJsonContext.Default.CheckpointList))!
        .Checkpoints.SingleOrDefault(c => c.TreeSize == size);

    internal static async Task<CheckpointView> StatusAsync(HttpClient client, string election, long size, string status)
    {
        CheckpointView? found = null;
        await Eventually.Async(async () => (found = await CheckpointAsync(client, election, size)) is { } c && c.Status == status, $"checkpoint {size} {status}");
        return found!;
    }
}
