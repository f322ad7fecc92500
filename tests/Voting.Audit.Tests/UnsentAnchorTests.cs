using System.Numerics;
using Voting.Infrastructure.Chain;
using Voting.Infrastructure.Storage;
using Voting.TestSupport;

namespace Voting.Audit.Tests;

/// <summary>On a chain of the test's own, which stops mining for a while.</summary>
public sealed class UnsentAnchorTests(AuditFactory factory) : IClassFixture<AuditFactory>
{
    private static readonly BigInteger Gwei = 1_000_000_000;

    [Fact]
    public async Task A_replacement_recorded_and_never_sent_is_sent_as_signed_taking_the_stuck_anchors_place_and_once_only()
    {
        await using var anvil = await ScratchAnvil.StartAsync();
        // At the cap the service never replaces the stuck anchor itself: the replacement below is the only one.
        factory.Settings["Voting:Chain:MaxFeePerGasGwei"] = "3";
        var election = factory.Elections[0];
        using var client = await factory.StartWith30AnchoredOnAsync(anvil, election);
        var account = factory.AnchoringAccount;

        var stuck = await factory.StuckAnchorOf50Async(anvil, election);

        // The anchor in flight is recorded with its signed bytes.
        var store = new CheckpointStore(factory.Shards);
        var checkpoint = (await store.ListAsync(election, CancellationToken.None)).Single(c => c.TreeSize == 50);
        Assert.Equal(stuck.Hash, checkpoint.PendingTransaction);
        Assert.NotNull(checkpoint.PendingRaw);

        // What a crash between recording a replacement and sending it leaves: the checkpoint names a
        // transaction with the stuck one's nonce, offering more, which the node never got.
        var replacement = await factory.RecordUnsentAnchorAsync(anvil, election, 50, stuck.Nonce, new AnchorFee(5 * Gwei, 3 * Gwei));

        // It is sent as it was signed and takes the stuck one's place; no transaction waits behind that one.
        IReadOnlyList<PooledTransaction> pool = [];
        await Eventually.Async(
            async () => (pool = await anvil.PoolAsync(account)) is [{ } only] && only.Hash == replacement.TransactionHash,
            () => $"the recorded replacement {replacement.TransactionHash} alone in the pool; the pool: {string.Join(", ", pool)}");
        int Failures() => factory.Logs.GetSnapshot().Count(r => r.Message.StartsWith($"Anchoring {election} at size 50 failed, kept queued", StringComparison.Ordinal));
        var failures = Failures();
        await Eventually.Async(() => Task.FromResult(Failures() >= failures + 2), "2 more attempts waiting for it");
        Assert.Equal([replacement.TransactionHash], (await anvil.PoolAsync(account)).Select(t => t.Hash));
        Assert.Contains(
            factory.Logs.GetSnapshot(),
            r => r.Message.Contains($"at size 50: transaction {replacement.TransactionHash}, recorded as sent, is not held by the node", StringComparison.Ordinal));

        // The node drops it (evicted, or lost in a restart): sent again once already, it is followed by a
        // new transaction, with the nonce now free, rather than sent again and again.
        await anvil.DropTransactionAsync(replacement.TransactionHash);
        await Eventually.Async(
            async () => (pool = await anvil.PoolAsync(account)) is [{ } only] && only.Nonce == stuck.Nonce && only.Hash != replacement.TransactionHash,
            () => $"a new transaction with nonce {stuck.Nonce} alone in the pool; the pool: {string.Join(", ", pool)}");
        var anchor = pool[0];

        // Mining again: that one is the anchor, and the anchor took one nonce.
        await anvil.SetAutomineAsync(true);
        await anvil.MineAsync(1);
        var anchored = await AnchorFinalityTests.StatusAsync(client, election, 50, "anchored");
        Assert.Equal(anchor.Hash, anchored.TransactionHash);
        Assert.Equal(3, await anvil.TransactionCountAsync(account));
        Assert.Null((await store.ListAsync(election, CancellationToken.None)).Single(c => c.TreeSize == 50).PendingRaw);
        Assert.True((await AnchoringTests.RunAuditAsync(client, election)).Clean);
    }
}
