using Voting.TestSupport;

namespace Voting.Audit.Tests;

/// <summary>On a chain of the test's own, which stops mining for a while.</summary>
public sealed class StuckAnchorReplacementTests(AuditFactory factory) : IClassFixture<AuditFactory>
{
    [Fact]
    public async Task An_anchor_left_unmined_is_replaced_by_the_same_anchor_with_its_nonce_offering_a_quarter_more_at_each_attempt()
    {
        await using var anvil = await ScratchAnvil.StartAsync();
        var election = factory.Elections[0];
        using var client = await factory.StartWith30AnchoredOnAsync(anvil, election);
        var account = factory.AnchoringAccount;

        // The chain stops mining: the next anchor waits in the pool, offering what the chain asks. (Anvil
        // drops a transaction offering less than the base fee, where other nodes keep it waiting: a
        // stopped chain is how a test here leaves a transaction in the pool.)
        await anvil.SetAutomineAsync(false);
        await factory.RecordVotesAsync(election, 20);
        PooledTransaction? stuck = null;
        await Eventually.Async(async () => (stuck = (await anvil.PoolAsync(account)).SingleOrDefault()) is not null, "the anchor of size 50 waiting in the pool");

        // Each attempt that gives up waiting replaces it: same nonce, a quarter more. Twice here.
        IReadOnlyList<PooledTransaction> pool = [];
        await Eventually.Async(
            async () => (pool = await anvil.PoolAsync(account)) is [{ } offer] && offer.Nonce == stuck!.Nonce && offer.MaxFeePerGas >= stuck.MaxFeePerGas * 25 / 16,
            () => $"the anchor replaced twice, offering at least 1.25² × {stuck!.MaxFeePerGas} wei per gas; the pool: {string.Join(", ", pool)}");
        Assert.Null(await anvil.MaxFeePerGasAsync(stuck!.Hash)); // the node dropped it for its replacement

        // Mining again: the replacement waiting then is the anchor.
        await anvil.SetAutomineAsync(true);
        await anvil.MineAsync(1);
        var anchored = await AnchorFinalityTests.StatusAsync(client, election, 50, "anchored");
        Assert.Null(anchored.LastError);
        Assert.NotEqual(stuck.Hash, anchored.TransactionHash);
        Assert.True(await anvil.MaxFeePerGasAsync(anchored.TransactionHash!) >= stuck.MaxFeePerGas * 25 / 16, "the anchor mined offers the raised fee");
        var replacements = factory.Logs.GetSnapshot().Select(r => r.Message).Where(m => m.Contains("is still unmined; replaced by", StringComparison.Ordinal)).ToList();
        Assert.True(replacements.Any(m => m.Contains($"at size 50: transaction {stuck.Hash} (max ", StringComparison.Ordinal)), string.Join("\n", replacements));

        // One transaction for the anchor, however many offers: the contract, checkpoint 30 and checkpoint 50.
        Assert.Equal(3, await anvil.TransactionCountAsync(account));
        var chain = await factory.AnchorsOnChainAsync();
        Assert.Equal([30UL, 50UL], (await chain.ListAsync(election)).Select(c => c.TreeSize));
        var found = await chain.FindAnchorTransactionAsync(election, 50, Convert.FromHexString(anchored.Root));
        Assert.Equal((found!.TransactionHash, found.BlockNumber), (anchored.TransactionHash, anchored.BlockNumber));
        Assert.True((await AnchoringTests.RunAuditAsync(client, election)).Clean);
    }
}
