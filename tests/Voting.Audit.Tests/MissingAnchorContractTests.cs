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

        // Whoever asks for the anchors is told why, as a 503, without where the node lives.
        var election = factory.Elections[0];
        using var answer = await client.PostAsync(new Uri($"/api/v1/audit/elections/{election}/audits", UriKind.Relative), null);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, answer.StatusCode);
        var body = await answer.Content.ReadAsStringAsync();
        Assert.Contains("The anchor contract is not on the chain node this service reads", body, StringComparison.Ordinal);
        Assert.DoesNotContain(factory.Chain.RpcUrl, body, StringComparison.Ordinal);
        Assert.DoesNotContain("127.0.0.1", body, StringComparison.Ordinal);

        // Checkpoints wait, queued with that reason, through attempt after attempt; nothing is sent.
        var account = factory.AnchoringAccount;
        var web3 = new Nethereum.Web3.Web3(factory.Chain.RpcUrl);
        var sent = (await web3.Eth.Transactions.GetTransactionCount.SendRequestAsync(account)).Value;
        await factory.RecordVotesAsync(election, 20);
        await Eventually.Async(
            async () => await AnchorFinalityTests.CheckpointAsync(client, election, 20) is { Status: "queued", LastError: { } error } && error.Contains($"The recorded anchor contract {nowhere} has no code on chain", StringComparison.Ordinal),
            "checkpoint 20 queued with the missing contract as its error");
        // More attempts, each failing the same way (counted in the log, not assumed from a pause).
        int Failures() => factory.Logs.GetSnapshot().Count(r => r.Message.StartsWith($"Anchoring {election} at size 20 failed, kept queued", StringComparison.Ordinal));
        var failuresBefore = Failures();
        await Eventually.Async(() => Task.FromResult(Failures() >= failuresBefore + 3), "3 more failed attempts");
        Assert.Equal("queued", (await AnchorFinalityTests.CheckpointAsync(client, election, 20))!.Status);
        Assert.Equal(nowhere, await store.AnchorContractAsync(factory.Chain.ChainId, CancellationToken.None));
        Assert.Equal(sent, (await web3.Eth.Transactions.GetTransactionCount.SendRequestAsync(account)).Value);
    }

    [Fact]
    public async Task With_redeploying_allowed_a_contract_missing_from_a_reset_chain_is_replaced_and_anchoring_goes_on()
    {
        factory.Settings["Voting:Chain:RedeployWhenContractMissing"] = "true";
        using var client = await factory.StartAsync();
        var contracts = factory.Services.GetRequiredService<AnchorContractLocator>();
        var store = new CheckpointStore(factory.Shards);
        await contracts.GetAsync(CancellationToken.None);
        var nowhere = "0x" + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(20));
        await store.SetAnchorContractAsync(factory.Chain.ChainId, nowhere, "0x" + new string('0', 64), CancellationToken.None);
        contracts.Forget();

        var replaced = await contracts.GetAsync(CancellationToken.None);
        Assert.NotEqual(nowhere, replaced.ContractAddress, StringComparer.OrdinalIgnoreCase);
        Assert.Equal(replaced.ContractAddress, await store.AnchorContractAsync(factory.Chain.ChainId, CancellationToken.None), StringComparer.OrdinalIgnoreCase);
        var code = await new Nethereum.Web3.Web3(factory.Chain.RpcUrl).Eth.GetCode.SendRequestAsync(replaced.ContractAddress);
        Assert.True(code.Length > 2, $"no code at {replaced.ContractAddress}");

        var election = factory.Elections[0];
        await factory.RecordVotesAsync(election, 20);
        await AnchoringTests.AnchoredAsync(client, election, 20);
        Assert.Equal([20UL], (await (await factory.AnchorsOnChainAsync()).ListAsync(election)).Select(c => c.TreeSize));
    }
}
