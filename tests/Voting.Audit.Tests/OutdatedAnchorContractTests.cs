using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Voting.Audit.Anchoring;
using Voting.Infrastructure.Chain;
using Voting.Infrastructure.Storage;
using Voting.TestSupport;

namespace Voting.Audit.Tests;

/// <summary>
/// An anchor contract of the earlier version, which takes any growing checkpoint without a consistency
/// proof, is not anchored with: recorded or configured, it is refused with a clear error, and replaced
/// only where the chain is a development one (<see cref="ChainOptions.RedeployWhenContractMissing"/>).
/// </summary>
public sealed class OutdatedAnchorContractTests : IAsyncLifetime
{
    private readonly AuditFactory factory = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => factory.DisposeAsync().AsTask();

    [Fact]
    public async Task A_recorded_contract_of_the_earlier_version_stops_anchoring_with_a_clear_error_and_is_not_replaced()
    {
        factory.Settings["Voting:Chain:RedeployWhenContractMissing"] = "false";
        using var client = await factory.StartAsync();
        var (contracts, store, earlier) = await RecordEarlierContractAsync();

        var refused = await Assert.ThrowsAsync<AnchorContractOutdatedException>(() => contracts.GetAsync(CancellationToken.None));
        Assert.Contains($"The recorded anchor contract {earlier} on chain {factory.Chain.ChainId} does not run this version's code: an earlier version, which takes a checkpoint without a consistency proof", refused.Message, StringComparison.Ordinal);
        Assert.Equal(earlier, await store.AnchorContractAsync(factory.Chain.ChainId, CancellationToken.None));

        var election = factory.Elections[0];
        using var answer = await client.PostAsync(new Uri($"/api/v1/audit/elections/{election}/audits", UriKind.Relative), null);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, answer.StatusCode);
        Assert.Contains("The anchor contract does not run the code this service anchors with", await answer.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        await factory.RecordVotesAsync(election, 20);
        await Eventually.Async(
            async () => await AnchorFinalityTests.CheckpointAsync(client, election, 20) is { Status: "queued", LastError: { } error } && error.Contains($"The recorded anchor contract {earlier}", StringComparison.Ordinal),
            "checkpoint 20 queued with the earlier contract as its error");
        Assert.Equal(0, await new CheckpointAnchorClient(new Nethereum.Web3.Web3(factory.Chain.RpcUrl), earlier).CountAsync(election));
    }

    [Fact]
    public async Task With_redeploying_allowed_a_recorded_contract_of_the_earlier_version_is_replaced_and_anchoring_goes_on()
    {
        factory.Settings["Voting:Chain:RedeployWhenContractMissing"] = "true";
        using var client = await factory.StartAsync();
        var (contracts, store, earlier) = await RecordEarlierContractAsync();

        var replaced = await contracts.GetAsync(CancellationToken.None);
        Assert.NotEqual(earlier, replaced.ContractAddress, StringComparer.OrdinalIgnoreCase);
        Assert.Equal(replaced.ContractAddress, await store.AnchorContractAsync(factory.Chain.ChainId, CancellationToken.None), StringComparer.OrdinalIgnoreCase);
        Assert.True(await CheckpointAnchorContract.RunsThisCodeAsync(new Nethereum.Web3.Web3(factory.Chain.RpcUrl), replaced.ContractAddress));

        var election = factory.Elections[0];
        await factory.RecordVotesAsync(election, 20);
        await AnchoringTests.AnchoredAsync(client, election, 20);
        await factory.RecordVotesAsync(election, 15);
        await AnchoringTests.AnchoredAsync(client, election, 35);
        Assert.Equal([20UL, 35UL], (await (await factory.AnchorsOnChainAsync()).ListAsync(election)).Select(c => c.TreeSize));
    }

    [Fact]
    public async Task A_configured_contract_of_the_earlier_version_is_refused()
    {
        var earlier = await DeployEarlierAsync();
        factory.Settings["Voting:Chain:AnchorContractAddress"] = earlier;
        factory.Settings["Voting:Chain:RedeployWhenContractMissing"] = "true"; // never for a configured contract
        using var client = await factory.StartAsync();
        var contracts = factory.Services.GetRequiredService<AnchorContractLocator>();

        var refused = await Assert.ThrowsAsync<AnchorContractOutdatedException>(() => contracts.GetAsync(CancellationToken.None));
        Assert.Contains($"The configured anchor contract {earlier} (Voting:Chain:AnchorContractAddress) on chain {factory.Chain.ChainId} does not run this version's code", refused.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// After the service found (or deployed) its contract: an earlier-version contract recorded as the
    /// one to use, as a database from before the upgrade holds it, and the locator made to look again.
    /// </summary>
    private async Task<(AnchorContractLocator Contracts, CheckpointStore Store, string Earlier)> RecordEarlierContractAsync()
    {
        var contracts = factory.Services.GetRequiredService<AnchorContractLocator>();
        var store = new CheckpointStore(factory.Shards);
        await contracts.GetAsync(CancellationToken.None);
        var earlier = await DeployEarlierAsync();
        await store.SetAnchorContractAsync(factory.Chain.ChainId, earlier, "0x" + new string('0', 64), CancellationToken.None);
        contracts.Forget();
        return (contracts, store, earlier);
    }

    /// <summary>The earlier contract, deployed from an account of its own (the service's races the service for nonces).</summary>
    private async Task<string> DeployEarlierAsync()
    {
        var key = FundedAccount.NewKey();
        await FundedAccount.FundAsync(factory.Chain.RpcUrl, key);
        return await EarlierAnchorContract.DeployAsync(new Nethereum.Web3.Web3(new Nethereum.Web3.Accounts.Account(key, factory.Chain.ChainId), factory.Chain.RpcUrl));
    }
}
