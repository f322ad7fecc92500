using System.Net.Http.Json;
using Voting.Audit.Apis;
using Voting.TestSupport;

namespace Voting.Audit.Tests;

[Trait("Category", StackControl.FaultCategory)]
public sealed class ChainOutageTests(AuditFactory factory) : IClassFixture<AuditFactory>
{
    [Fact]
    public async Task Checkpoints_taken_while_the_chain_node_is_down_are_anchored_in_order_when_it_returns()
    {
        using var client = await factory.StartAsync();
        var election = factory.Elections[0];
        await factory.RecordVotesAsync(election, 50);
        await AnchoringTests.AnchoredAsync(client, election, 50);

        await StackControl.StopAsync("anvil");
        try
        {
            foreach (var round in new[] { 70, 90, 110 })
            {
                await factory.RecordVotesAsync(election, 20);
                await Eventually.Async(async () =>
                {
                    var list = await client.GetFromJsonAsync($"/api/v1/audit/elections/{election}/checkpoints", AuditApiJsonContext.Default.CheckpointList);
                    return list!.Checkpoints.Any(c => c.TreeSize == round && c.Status == "queued");
                }, $"a queued checkpoint of size {round}");
            }

            var queued = await client.GetFromJsonAsync($"/api/v1/audit/elections/{election}/checkpoints", AuditApiJsonContext.Default.CheckpointList);
            Assert.Equal(3, queued!.Queued);
            var failing = Assert.Single(queued.Checkpoints, c => c.Status == "queued" && c.LastError is not null);
            // The API is public: the error says what failed, not where the node is.
            Assert.DoesNotContain(new Uri(LocalStack.Chain().RpcUrl).Authority, failing.LastError, StringComparison.Ordinal);
            Assert.DoesNotContain("127.0.0.1", failing.LastError, StringComparison.Ordinal);
        }
        finally
        {
            await StackControl.StartAsync("anvil");
        }

        await AnchoringTests.AnchoredAsync(client, election, 110);
        var chain = await factory.AnchorsOnChainAsync();
        var onChain = await chain.ListAsync(election);
        Assert.Equal([50UL, 70UL, 90UL, 110UL], onChain.Select(c => c.TreeSize));
        var recorded = await client.GetFromJsonAsync($"/api/v1/audit/elections/{election}/checkpoints", AuditApiJsonContext.Default.CheckpointList);
        Assert.Equal(0, recorded!.Queued);
        Assert.Equal(onChain.Select(c => Convert.ToHexStringLower(c.Root)), recorded.Checkpoints.Select(c => c.Root));
        Assert.True((await AnchoringTests.RunAuditAsync(client, election)).Clean);
    }
}
