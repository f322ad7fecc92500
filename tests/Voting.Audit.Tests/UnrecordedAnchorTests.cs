using Microsoft.Extensions.DependencyInjection;
using Voting.Audit.Anchoring;
using Voting.Infrastructure.Storage;
using Voting.TestSupport;

namespace Voting.Audit.Tests;

/// <summary>
/// An anchor that reached the chain while its result could not be recorded (the log database down
/// between sending and recording, a crash, a timeout waiting for the receipt) is found on chain and
/// recorded: never stuck queued behind the contract's refusal of a size it already holds.
/// The checkpoints here belong to an election the service's own loop does not know, so the test
/// alone decides when they are taken and anchored.
/// </summary>
public sealed class UnrecordedAnchorTests : IAsyncLifetime
{
    // Its own anchoring account: the test counts the transactions the service sends, which other
    // audit tests running at the same time would disturb on a shared account.
    private const int Account = 6;
    private readonly AuditFactory factory = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => factory.DisposeAsync().AsTask();

    [Fact]
    public async Task A_checkpoint_anchored_but_not_recorded_is_recorded_from_the_chain_and_not_anchored_twice()
    {
        factory.Settings["Voting:Chain:AnchorPrivateKey"] = LocalStack.DevAccountKey(Account);
        using var client = await factory.StartAsync();
        var service = factory.Services.GetRequiredService<CheckpointService>();
        var contracts = factory.Services.GetRequiredService<AnchorContractLocator>();
        var store = new CheckpointStore(factory.Shards);
        var election = LocalStack.UniqueName("unrecorded");
        var chain = await contracts.GetAsync(CancellationToken.None);
        var web3 = new Nethereum.Web3.Web3(factory.Chain.RpcUrl);
        var sender = new Nethereum.Web3.Accounts.Account(LocalStack.DevAccountKey(Account)).Address;
        async Task<long> SentAsync() => (long)(await web3.Eth.Transactions.GetTransactionCount.SendRequestAsync(sender)).Value;

        // Mined while the database was down: neither the anchor nor the failure got recorded, so the
        // checkpoint looks never tried. The chain already holding the size leads to it, with nothing sent.
        await factory.RecordVotesAsync(election, 25);
        Assert.Equal(25, await service.CheckpointAsync(election, CancellationToken.None));
        var first = Assert.Single(await store.QueuedAsync(election, CancellationToken.None));
        var mined = await chain.AnchorAsync(election, 25, first.Root, [], new DateTimeOffset(first.CreatedAt, TimeSpan.Zero), CancellationToken.None);
        var sent = await SentAsync();

        Assert.True(await service.AnchorQueuedAsync(election, CancellationToken.None), "the checkpoint stayed queued");
        var recorded = Assert.Single(await store.ListAsync(election, CancellationToken.None));
        Assert.Equal(mined.TransactionHash, recorded.TransactionHash);
        Assert.Equal(mined.BlockNumber, recorded.BlockNumber);
        Assert.Null(recorded.LastError);
        Assert.Equal(sent, await SentAsync()); // found on chain before anything was sent

        // Mined, then the wait for its receipt failed (the failure recorded): looked up first, nothing sent.
        await factory.RecordVotesAsync(election, 15);
        Assert.Equal(40, await service.CheckpointAsync(election, CancellationToken.None));
        var second = Assert.Single(await store.QueuedAsync(election, CancellationToken.None));
        var minedSecond = await chain.AnchorAsync(election, 40, second.Root, await factory.ConsistencyAsync(election, 25, 40), new DateTimeOffset(second.CreatedAt, TimeSpan.Zero), CancellationToken.None);
        await store.MarkFailedAsync(election, 40, "Rpc timeout after 10000 milliseconds", CancellationToken.None);
        sent = await SentAsync();

        Assert.True(await service.AnchorQueuedAsync(election, CancellationToken.None), "the checkpoint stayed queued");
        Assert.Equal(minedSecond.TransactionHash, (await store.LatestAnchoredAsync(election, CancellationToken.None))!.TransactionHash);
        Assert.Equal(sent, await SentAsync());

        // The chain holds each size once, and a checkpoint never anchored is still anchored normally.
        await factory.RecordVotesAsync(election, 5);
        Assert.Equal(45, await service.CheckpointAsync(election, CancellationToken.None));
        Assert.True(await service.AnchorQueuedAsync(election, CancellationToken.None), "the checkpoint stayed queued");
        Assert.Equal([25UL, 40UL, 45UL], (await chain.ListAsync(election)).Select(c => c.TreeSize));
        Assert.Empty(await store.QueuedAsync(election, CancellationToken.None));
    }

    [Fact]
    public async Task An_anchor_mined_but_refused_by_the_contract_is_forgotten_and_the_next_attempt_anchors_afresh()
    {
        factory.Settings["Voting:Chain:AnchorPrivateKey"] = LocalStack.DevAccountKey(Account);
        using var client = await factory.StartAsync();
        var service = factory.Services.GetRequiredService<CheckpointService>();
        var chain = await factory.Services.GetRequiredService<AnchorContractLocator>().GetAsync(CancellationToken.None);
        var store = new CheckpointStore(factory.Shards);
        var election = LocalStack.UniqueName("refused");
        await factory.RecordVotesAsync(election, 25);
        Assert.Equal(25, await service.CheckpointAsync(election, CancellationToken.None));
        Assert.True(await service.AnchorQueuedAsync(election, CancellationToken.None), "checkpoint 25 stayed queued");

        // The anchor of 40 in flight carries a proof that does not hold (as one signed against a
        // checkpoint a reorganisation then changed would): mined, and reverted.
        await factory.RecordVotesAsync(election, 15);
        Assert.Equal(40, await service.CheckpointAsync(election, CancellationToken.None));
        var queued = Assert.Single(await store.QueuedAsync(election, CancellationToken.None));
        var stale = await chain.SignAnchorAsync(
            election, 40, queued.Root, await factory.ConsistencyAsync(election, 24, 40), new DateTimeOffset(queued.CreatedAt, TimeSpan.Zero), await chain.NextNonceAsync());
        await store.SetPendingAsync(election, 40, stale.TransactionHash, stale.Raw, CancellationToken.None);
        await chain.SendSignedAsync(stale);
        await Assert.ThrowsAsync<Voting.Infrastructure.Chain.AnchorRefusedException>(() => chain.WaitForAnchorAsync(stale.TransactionHash, election, 40, CancellationToken.None));
        await store.MarkFailedAsync(election, 40, "Rpc timeout after 10000 milliseconds", CancellationToken.None);

        // The first attempt finds it refused and forgets it; the next signs a new anchor and it is taken.
        Assert.False(await service.AnchorQueuedAsync(election, CancellationToken.None), "the refused anchor was taken for one");
        var forgotten = Assert.Single(await store.QueuedAsync(election, CancellationToken.None));
        Assert.Null(forgotten.PendingTransaction);
        Assert.Contains("a new anchor is signed at the next attempt", forgotten.LastError, StringComparison.Ordinal);
        Assert.True(await service.AnchorQueuedAsync(election, CancellationToken.None), "checkpoint 40 stayed queued");
        Assert.Equal([25UL, 40UL], (await chain.ListAsync(election)).Select(c => c.TreeSize));
        Assert.NotEqual(stale.TransactionHash, (await store.LatestAnchoredAsync(election, CancellationToken.None))!.TransactionHash);
    }
}
