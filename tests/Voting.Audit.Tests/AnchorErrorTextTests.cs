using Voting.Core.Audit;
using Voting.TestSupport;

namespace Voting.Audit.Tests;

/// <summary>What the public checkpoint list says when anchoring fails with a message naming a server's address.</summary>
public sealed class AnchorErrorTextTests(AuditFactory factory) : IClassFixture<AuditFactory>
{
    [Fact]
    public async Task A_failing_anchor_is_explained_publicly_without_the_addresses_its_error_names_which_the_log_keeps()
    {
        await using var anvil = await ScratchAnvil.StartAsync();
        await using var proxy = RpcProxy.Start(anvil.RpcUrl);
        var election = factory.Elections[0];
        using var client = await factory.StartWith30AnchoredOnAsync(anvil, election, proxy);

        // A node (or a gateway before it) refusing with a message that names where things run.
        const string refusal = "upstream http://10.20.30.40:8545/rpc unreachable via gateway.chain.internal:9000";
        proxy.FailNext("eth_sendRawTransaction", RpcFault.Refused, refusal, times: 1_000);
        await factory.RecordVotesAsync(election, 20);
        CheckpointView? queued = null;
        await Eventually.Async(
            async () => (queued = await AnchorFinalityTests.CheckpointAsync(client, election, 50)) is { Status: "queued", LastError: { } error } && error.Contains("unreachable", StringComparison.Ordinal),
            () => $"checkpoint 50 queued with the refusal as its error; it is {queued}");

        Assert.Contains("upstream [address] unreachable via [address]", queued!.LastError, StringComparison.Ordinal);
        Assert.DoesNotContain("10.20.30.40", queued.LastError, StringComparison.Ordinal);
        Assert.DoesNotContain("gateway.chain.internal", queued.LastError, StringComparison.Ordinal);
        Assert.Contains(factory.Logs.GetSnapshot(), r => r.Message.Contains(refusal, StringComparison.Ordinal));

        proxy.ClearFaults();
        await AnchorFinalityTests.StatusAsync(client, election, 50, "anchored");
    }
}
