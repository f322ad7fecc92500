using Voting.TestSupport;

namespace Voting.Audit.Tests;

/// <summary>On a chain of the test's own, which stops mining for a while.</summary>
public sealed class UnminedAnchorTests(AuditFactory factory) : IClassFixture<AuditFactory>
{
    [Fact]
    public async Task An_anchor_transaction_left_unmined_is_reported_and_anchoring_goes_on_once_the_chain_mines_it()
    {
        await using var anvil = await ScratchAnvil.StartAsync();
        var election = factory.Elections[0];
        using var client = await factory.StartWith30AnchoredOnAsync(anvil, election);
        var account = factory.AnchoringAccount;

        // The chain stops mining: the next anchor waits in its pool, and the wait is given up on with a reason.
        await anvil.SetAutomineAsync(false);
        await factory.RecordVotesAsync(election, 20);
        await Eventually.Async(
            async () => await AnchorFinalityTests.CheckpointAsync(client, election, 50) is { Status: "queued", LastError: { } error } && error.Contains("was not mined within 2 s", StringComparison.Ordinal),
            "checkpoint 50 queued with the unmined transaction as its error");

        // More attempts time out meanwhile (counted in the log, not assumed from a pause).
        int Failures() => factory.Logs.GetSnapshot().Count(r => r.Message.StartsWith($"Anchoring {election} at size 50 failed, kept queued", StringComparison.Ordinal));
        var failuresBefore = Failures();
        await Eventually.Async(() => Task.FromResult(Failures() >= failuresBefore + 2), "2 more attempts timed out");

        // Mining again: the checkpoint is anchored by the one transaction sent for it.
        await anvil.SetAutomineAsync(true);
        await anvil.MineAsync(1);
        var anchored = await AnchorFinalityTests.StatusAsync(client, election, 50, "anchored");
        Assert.Null(anchored.LastError);
        var chain = await factory.AnchorsOnChainAsync();
        Assert.Equal([30UL, 50UL], (await chain.ListAsync(election)).Select(c => c.TreeSize));
        var found = await chain.FindAnchorTransactionAsync(election, 50, Convert.FromHexString(anchored.Root));
        Assert.Equal((found!.TransactionHash, found.BlockNumber), (anchored.TransactionHash, anchored.BlockNumber));
        Assert.True((await AnchoringTests.RunAuditAsync(client, election)).Clean);

        // However many attempts timed out meanwhile, the anchoring account sent three transactions in
        // all: the contract, checkpoint 30 and checkpoint 50 (each later attempt replaced the one sent,
        // with its nonce: StuckAnchorReplacementTests).
        Assert.Equal(3, await anvil.TransactionCountAsync(account));
    }
}
