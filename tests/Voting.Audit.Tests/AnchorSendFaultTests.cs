using Voting.Infrastructure.Chain;
using Voting.TestSupport;

namespace Voting.Audit.Tests;

/// <summary>On a chain of the test's own, which stops mining for a while, reached through a proxy that cuts or refuses chosen calls.</summary>
public sealed class AnchorSendFaultTests(AuditFactory factory) : IClassFixture<AuditFactory>
{
    private const string Send = "eth_sendRawTransaction";

    [Fact]
    public async Task Sends_whose_answer_is_lost_or_refused_leave_one_anchor_transaction_in_flight_never_a_second_behind_it()
    {
        await using var anvil = await ScratchAnvil.StartAsync();
        await using var proxy = RpcProxy.Start(anvil.RpcUrl);
        var election = factory.Elections[0];
        using var client = await factory.StartWith30AnchoredOnAsync(anvil, election, proxy);
        var account = factory.AnchoringAccount;
        await anvil.SetAutomineAsync(false);

        // The anchor of size 50 and its replacements (one after each 2 s unmined) go out in this order:
        // 1. the anchor: the node takes it and its answer is lost. Recorded before it was sent, it is the
        //    one in flight, waited for and not sent again;
        // 2.–3. its replacement, refused twice: the first stays the one in flight (the refused one is
        //    never taken for it, nor sent again as if lost), and is replaced at each attempt;
        // 4. its replacement once more: the node takes it and the answer is lost. The node holds it, so it
        //    is the one in flight (the first is gone from the pool), waited for and replaced in turn.
        proxy.FailNext(Send, RpcFault.EmptyAnswer);
        proxy.FailNext(Send, RpcFault.Refused, "replacement transaction underpriced", times: 2);
        proxy.FailNext(Send, RpcFault.EmptyAnswer);
        await factory.RecordVotesAsync(election, 20);
        PooledTransaction? first = null;
        await Eventually.Async(
            async () => proxy.Faulted >= 1 && (first = (await anvil.PoolAsync(account)).SingleOrDefault()) is not null,
            "the anchor of size 50 in the pool, its answer cut");

        List<string> messages = [];
        IReadOnlyList<PooledTransaction> pool = [];
        await Eventually.Async(
            async () =>
            {
                messages = [.. factory.Logs.GetSnapshot().Select(r => r.Message).Where(m => m.Contains($"{election} at size 50", StringComparison.Ordinal))];
                pool = await anvil.PoolAsync(account);
                return proxy.Faulted == 4
                    && messages.Any(m => m.Contains("is still unmined; replaced by", StringComparison.Ordinal) && !m.Contains(first!.Hash, StringComparison.Ordinal))
                    && pool is [{ } offer] && offer.Nonce == first!.Nonce && offer.MaxFeePerGas >= first.MaxFeePerGas * 25 / 16;
            },
            () => $"the replacement whose answer was lost replaced in turn, one transaction with the first's nonce (≥ 1.25² × {first!.MaxFeePerGas} wei per gas); the pool: {string.Join(", ", pool)}; the log:\n{string.Join("\n", messages)}");

        var log = string.Join("\n", messages);
        Assert.True(messages.Count(m => m.Contains("failed, kept queued", StringComparison.Ordinal) && m.Contains(ChainErrors.NoAnswer, StringComparison.Ordinal)) == 2, log);
        Assert.True(messages.Count(m => m.Contains("failed, kept queued", StringComparison.Ordinal) && m.Contains("replacement transaction underpriced", StringComparison.Ordinal)) == 2, log);
        Assert.False(messages.Any(m => m.Contains("not held by the node", StringComparison.Ordinal)), log);

        // Mining again: one transaction anchored size 50, with the first's nonce.
        await anvil.SetAutomineAsync(true);
        await anvil.MineAsync(1);
        var anchored = await AnchorFinalityTests.StatusAsync(client, election, 50, "anchored");
        Assert.Equal(3, await anvil.TransactionCountAsync(account)); // the contract, checkpoints 30 and 50
        Assert.NotEqual(first!.Hash, anchored.TransactionHash);
        Assert.True((await AnchoringTests.RunAuditAsync(client, election)).Clean);
    }
}
