using System.Net.Http.Json;
using Microsoft.Extensions.Configuration;
using Nethereum.Web3;
using Voting.Core.Merkle;
using Voting.Infrastructure.Chain;
using Voting.Infrastructure.Storage;
using Voting.Results.Apis;
using Voting.TestSupport;

namespace Voting.Results.Tests;

public sealed class ReceiptStatusTests(ResultsFactory factory) : IClassFixture<ResultsFactory>
{
    [Fact]
    public async Task A_receipt_moves_from_pending_to_recorded_to_anchored_and_its_proof_verifies_against_the_chain()
    {
        var election = factory.Elections[2];
        var environment = new Dictionary<string, string>(factory.ElectionSettings(2))
        {
            ["Voting__MySql__DatabasePrefix"] = factory.Shards.Options.DatabasePrefix,
            ["Voting__ClickHouse__Database"] = factory.Tallies.Options.Database,
            ["Voting__Audit__CheckpointIntervalSeconds"] = "1",
            ["Voting__Audit__AnchorRetrySeconds"] = "1",
            ["Voting__Audit__ScheduledAuditMinutes"] = "0",
            ["Voting__Chain__AnchorPrivateKey"] = LocalStack.DevAccountKey(3), // its own account: other projects anchor at the same time
        };
        await using var audit = ChildService.Start("Voting.Audit", environment);
        // A host of its own pointed at that audit service: the class's shared host may have started already.
        await using var host = factory.WithWebHostBuilder(builder => builder.ConfigureAppConfiguration((_, configuration) =>
            configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Voting:Services:Audit"] = audit.BaseAddress.ToString() })));
        using var client = host.CreateClient();
        await ServiceReadiness.WaitUntilReadyAsync(client, TimeSpan.FromSeconds(120));
        await audit.WaitUntilReadyAsync(TimeSpan.FromSeconds(120));

        var stored = (await factory.RecordVotesAsync(election, [("carol", "OH", "reyes")]))[0];
        var receipt = Convert.ToHexStringLower(stored.BallotHash);

        var unknown = await ReceiptAsync(client, new string('0', 64));
        Assert.Equal("pending", unknown.Status);

        // Recorded as soon as it is in the log; anchored once a checkpoint covering it is on chain.
        var status = await ReceiptAsync(client, receipt);
        Assert.Contains(status.Status, new[] { "recorded", "anchored" });
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (status.Status != "anchored")
        {
            Assert.True(DateTime.UtcNow < deadline, "the receipt was not anchored within 60 s");
            await Task.Delay(250);
            status = await ReceiptAsync(client, receipt);
        }

        Assert.Equal(election, status.ElectionId);
        var proof = status.Proof!;
        var chain = LocalStack.Chain();
        var onChain = await new CheckpointAnchorClient(new Web3(chain.RpcUrl), proof.Anchor.Contract).FindBySizeAsync(election, proof.TreeSize);
        Assert.NotNull(onChain);
        Assert.True(MerkleProofVerifier.VerifyInclusion(
            proof.LeafIndex, proof.TreeSize, MerkleHashing.LeafHash(stored.BallotHash), [.. proof.Path.Select(Convert.FromHexString)], onChain.Value.Checkpoint.Root));
        Assert.Equal(status.LeafIndex, (await new MerkleLogReader(factory.Shards).FindAsync(stored.BallotHash, CancellationToken.None))!.Value.LeafIndex);
    }

    [Fact]
    public async Task A_void_leaf_in_the_log_is_no_receipt()
    {
        // A range whose appender died is filled with void leaves once a later range is filled.
        var election = factory.Elections[1];
        using var client = await factory.StartAsync();
        var stored = (await factory.RecordVotesAsync(election, [("dana", "PA", "harper")]))[0];
        var reservations = new MerkleLogReservations(factory.Shards);
        var abandoned = await reservations.ReserveAsync(election, 2, CancellationToken.None);
        await using var next = await reservations.ReserveAsync(election, 1, CancellationToken.None);
        await abandoned.DisposeAsync();
        Assert.NotNull(await reservations.FillAsync(next, [System.Security.Cryptography.SHA256.HashData("a later ballot"u8)], CancellationToken.None));
        Assert.Equal(2, await reservations.ReleaseAbandonedAsync(election, CancellationToken.None));

        var log = new MerkleLogReader(factory.Shards);
        var position = abandoned.Reservation.First;
        var leaf = Assert.Single(await log.LeavesAsync(election, position, position + 1, CancellationToken.None).ToListAsync());
        Assert.True(VoidLeaf.Is(election, position, leaf.BallotHash));

        // The void leaf's data is in the log, but no ballot's: it neither finds a position nor reads as recorded.
        Assert.Null(await log.FindAsync(leaf.BallotHash, CancellationToken.None));
        var status = await ReceiptAsync(client, Convert.ToHexStringLower(leaf.BallotHash));
        Assert.Equal(("pending", null, null), (status.Status, status.ElectionId, status.LeafIndex));

        // A ballot's receipt in the same log still does.
        Assert.Equal(election, (await log.FindAsync(stored.BallotHash, CancellationToken.None))?.ElectionId);
        Assert.NotEqual("pending", (await ReceiptAsync(client, Convert.ToHexStringLower(stored.BallotHash))).Status);
    }

    private static async Task<ReceiptStatusView> ReceiptAsync(HttpClient client, string receipt) =>
        (await client.GetFromJsonAsync($"/api/v1/receipts/{receipt}", ResultsJsonContext.Default.ReceiptStatusView))!;
}
