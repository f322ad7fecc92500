using System.Numerics;
using Voting.TestSupport;

namespace Voting.Audit.Tests;

/// <summary>On a chain of the test's own, which stops mining for a while.</summary>
public sealed class AnchorFeeCapTests(AuditFactory factory) : IClassFixture<AuditFactory>
{
    private static readonly BigInteger Gwei = 1_000_000_000;

    [Fact]
    public async Task An_anchor_never_offers_more_than_the_cap_and_one_left_unmined_at_it_is_waited_for_with_an_error_naming_the_cap()
    {
        await using var anvil = await ScratchAnvil.StartAsync();
        factory.Settings["Voting:Chain:MaxFeePerGasGwei"] = "3";
        var election = factory.Elections[0];
        using var client = await factory.StartWith30AnchoredOnAsync(anvil, election);
        var account = factory.AnchoringAccount;

        // At a base fee of 1 gwei the chain asks 4 gwei (twice that, and a 2 gwei tip): the anchor offers 3.
        var stuck = await factory.StuckAnchorOf50Async(anvil, election);
        Assert.Equal(3 * Gwei, stuck.MaxFeePerGas);

        // Left unmined, it cannot be replaced: no raise a node would take fits under the cap.
        string? seen = null;
        await Eventually.Async(
            async () => (seen = (await AnchorFinalityTests.CheckpointAsync(client, election, 50))?.LastError) is { } error
                        && error.Contains($"transaction {stuck.Hash} was not mined within 2 s", StringComparison.Ordinal)
                        && error.Contains("It offers max 3 gwei, tip 2 gwei, and Voting:Chain:MaxFeePerGasGwei (3 gwei) leaves no higher fee", StringComparison.Ordinal),
            () => $"checkpoint 50 queued with an error naming the cap; its error: {seen}");
        Assert.Equal("queued", (await AnchorFinalityTests.CheckpointAsync(client, election, 50))!.Status);
        // More attempts, each failing the same way (counted in the log, not assumed from a pause).
        int Failures() => factory.Logs.GetSnapshot().Count(r => r.Message.StartsWith($"Anchoring {election} at size 50 failed, kept queued", StringComparison.Ordinal));
        var failuresBefore = Failures();
        await Eventually.Async(() => Task.FromResult(Failures() >= failuresBefore + 2), "2 more failed attempts");
        Assert.Equal([stuck], await anvil.PoolAsync(account));

        // Mining again: that same transaction is the anchor.
        await anvil.SetAutomineAsync(true);
        await anvil.MineAsync(1);
        var anchored = await AnchorFinalityTests.StatusAsync(client, election, 50, "anchored");
        Assert.Equal(stuck.Hash, anchored.TransactionHash);
        Assert.Equal(3, await anvil.TransactionCountAsync(account));
        Assert.True((await AnchoringTests.RunAuditAsync(client, election)).Clean);
    }
}
