using System.Numerics;
using Voting.Infrastructure.Chain;
using Voting.TestSupport;

namespace Voting.Audit.Tests;

/// <summary>On a chain of the test's own, which stops mining for a while.</summary>
public sealed class RefusedResendTests(AuditFactory factory) : IClassFixture<AuditFactory>
{
    private static readonly BigInteger Gwei = 1_000_000_000;

    [Fact]
    public async Task A_recorded_transaction_the_node_refuses_when_sent_again_is_raised_on_its_nonce_never_followed_by_the_next_nonce()
    {
        await using var anvil = await ScratchAnvil.StartAsync();
        var election = factory.Elections[0];
        using var client = await factory.StartWith30AnchoredOnAsync(anvil, election);
        var account = factory.AnchoringAccount;

        // At a base fee of 1 gwei the anchor offers 4 (twice that, and a 2 gwei tip) and waits in the pool.
        var stuck = await factory.StuckAnchorOf50Async(anvil, election);

        // What a crash between recording a replacement and sending it leaves, with a replacement offering
        // a little less than the one in the pool: the node refuses it when it is sent again.
        var underpriced = await factory.RecordUnsentAnchorAsync(anvil, election, 50, stuck.Nonce, new AnchorFee(39 * Gwei / 10, 19 * Gwei / 10));

        // Its nonce is still the account's: raised on it until the node takes it in the stuck one's place.
        IReadOnlyList<PooledTransaction> pool = [];
        await Eventually.Async(
            async () => (pool = await anvil.PoolAsync(account)) is [{ } only] && only.Nonce == stuck.Nonce && only.MaxFeePerGas > stuck.MaxFeePerGas,
            () => $"one transaction with nonce {stuck.Nonce} offering more than {stuck.MaxFeePerGas}; the pool: {string.Join(", ", pool)}");
        var messages = factory.Logs.GetSnapshot().Select(r => r.Message).Where(m => m.Contains($"{election} at size 50", StringComparison.Ordinal)).ToList();
        Assert.True(messages.Any(m => m.Contains($"transaction {underpriced.TransactionHash} (max 3.9 gwei, tip 1.9 gwei) is still unmined; replaced by", StringComparison.Ordinal)), string.Join("\n", messages));
        Assert.False(messages.Any(m => m.Contains("a new one is sent", StringComparison.Ordinal)), string.Join("\n", messages));

        await anvil.SetAutomineAsync(true);
        await anvil.MineAsync(1);
        var anchored = await AnchorFinalityTests.StatusAsync(client, election, 50, "anchored");
        Assert.Equal(pool[0].Hash, anchored.TransactionHash);
        Assert.Equal(3, await anvil.TransactionCountAsync(account));
        Assert.True((await AnchoringTests.RunAuditAsync(client, election)).Clean);
    }
}
