using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Voting.Audit.Anchoring;
using Voting.Infrastructure.Storage;

namespace Voting.Audit.Tests;

/// <summary>
/// A recorded anchor contract the node has no code for (the node restored from an older state, a
/// lagging replica, another chain) is refused, never silently replaced by a new contract that would
/// hold none of the anchors made so far.
/// </summary>
public sealed class MissingAnchorContractTests : IAsyncLifetime
{
    private readonly AuditFactory factory = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => factory.DisposeAsync().AsTask();

    [Fact]
    public async Task A_recorded_contract_without_code_on_chain_stops_anchoring_with_a_clear_error_and_is_not_replaced()
    {
        factory.Settings["Voting:Chain:RedeployWhenContractMissing"] = "false";
        using var client = await factory.StartAsync();
        var contracts = factory.Services.GetRequiredService<AnchorContractLocator>();
        var store = new CheckpointStore(factory.Shards);
        var recorded = await contracts.GetAsync(CancellationToken.None);
        Assert.Equal(recorded.ContractAddress, await store.AnchorContractAsync(factory.Chain.ChainId, CancellationToken.None), StringComparer.OrdinalIgnoreCase);

        // The node now knows nothing at the recorded address, as one behind the deployment would.
        var nowhere = "0x" + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(20));
        await store.SetAnchorContractAsync(factory.Chain.ChainId, nowhere, "0x" + new string('0', 64), CancellationToken.None);
        contracts.Forget();

        var refused = await Assert.ThrowsAsync<AnchorContractMissingException>(() => contracts.GetAsync(CancellationToken.None));
        Assert.Contains($"The recorded anchor contract {nowhere} has no code on chain {factory.Chain.ChainId}", refused.Message, StringComparison.Ordinal);
        Assert.Equal(nowhere, await store.AnchorContractAsync(factory.Chain.ChainId, CancellationToken.None));

        // Whoever asks for the anchors is told why, as a 503.
        var election = factory.Elections[0];
        using var answer = await client.PostAsync(new Uri($"/api/v1/audit/elections/{election}/audits", UriKind.Relative), null);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, answer.StatusCode);
        Assert.Contains("has no code on chain", await answer.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
