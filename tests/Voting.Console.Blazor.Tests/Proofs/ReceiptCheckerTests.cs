using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Voting.Console.Blazor.Anchors;
using Voting.Console.Blazor.Proofs;
using Voting.Core.Audit;
using Voting.Core.Merkle;
using Voting.Infrastructure.Chain;
using Voting.TestSupport;

namespace Voting.Console.Blazor.Tests.Proofs;

/// <summary>
/// The proof viewer's check against a chain of the test's own holding two anchor contracts: the one
/// the election authority published, and one whoever serves proofs deployed and filled with a root
/// of a log they made up. The audit service is a stand-in serving a given proof document.
/// </summary>
public sealed class ReceiptCheckerTests : IAsyncLifetime
{
    private const string Election = "us-2028";
    private readonly MerkleTree genuine = new();
    private readonly MerkleTree madeUp = new();
    private readonly List<byte[]> ballots = [.. Enumerable.Range(0, 10).Select(_ => RandomNumberGenerator.GetBytes(32))];
    private readonly byte[] notCast = RandomNumberGenerator.GetBytes(32);
    private ScratchAnvil? anvil;
    private string published = "";
    private string forged = "";

    private string RpcUrl => anvil!.RpcUrl;

    public async Task InitializeAsync()
    {
        anvil = await ScratchAnvil.StartAsync();
        var chain = LocalStack.Chain();
        chain.RpcUrl = anvil.RpcUrl;
        var web3 = new ChainClientFactory(chain).CreateSigning();
        published = (await CheckpointAnchorContract.DeployAsync(web3, CancellationToken.None)).ContractAddress;
        forged = (await CheckpointAnchorContract.DeployAsync(web3, CancellationToken.None)).ContractAddress;
        foreach (var ballot in ballots)
        {
            genuine.AppendLeafData(ballot);
        }

        // The made-up log: the genuine ballots but the last, and a ballot never cast in its place.
        foreach (var ballot in ballots.Take(9).Append(notCast))
        {
            madeUp.AppendLeafData(ballot);
        }

        await new CheckpointAnchorClient(web3, published).AnchorAsync(Election, 10, genuine.RootAt(10), [], DateTimeOffset.UtcNow, CancellationToken.None);
        await new CheckpointAnchorClient(web3, forged).AnchorAsync(Election, 10, madeUp.RootAt(10), [], DateTimeOffset.UtcNow, CancellationToken.None);
    }

    public async Task DisposeAsync() => await anvil!.DisposeAsync();

    [Fact]
    public async Task A_genuine_proof_is_valid_against_the_pinned_contract()
    {
        var check = await CheckAsync(Proof(genuine, ballots[3], 3, published), pinned: published);

        Assert.Equal(ProofVerdict.Valid, check.Verdict);
        Assert.DoesNotContain("pinned to none", check.Reason, StringComparison.Ordinal);
        Assert.Equal(Convert.ToHexStringLower(genuine.RootAt(10)), check.OnChainRoot);
    }

    [Fact]
    public async Task A_proof_naming_a_contract_of_its_own_is_invalid_however_well_its_path_leads_to_that_contracts_root()
    {
        var check = await CheckAsync(Proof(madeUp, notCast, 9, forged), pinned: published);

        Assert.Equal(ProofVerdict.Invalid, check.Verdict);
        Assert.Contains($"names anchor contract {forged}, not {published}", check.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_pinned_contract_of_other_code_is_invalid_even_holding_the_true_root()
    {
        // The earlier version, which takes any growing root unproved, holding the genuine log's root.
        var chain = LocalStack.Chain();
        chain.RpcUrl = RpcUrl;
        var web3 = new ChainClientFactory(chain).CreateSigning();
        var earlier = await EarlierAnchorContract.DeployAsync(web3);
        await EarlierAnchorContract.AnchorAsync(web3, earlier, CheckpointAnchorClient.ElectionKey(Election), 10, genuine.RootAt(10));

        var check = await CheckAsync(Proof(genuine, ballots[3], 3, earlier), pinned: earlier);

        Assert.Equal(ProofVerdict.Invalid, check.Verdict);
        Assert.Equal($"Contract {earlier} does not run the anchor contract's code as this console knows it (append-only, refusing a checkpoint that does not extend the one before), so the roots it holds prove nothing.", check.Reason);
    }

    [Fact]
    public async Task A_made_up_path_naming_the_pinned_contract_is_invalid()
    {
        var check = await CheckAsync(Proof(madeUp, notCast, 9, published), pinned: published);

        Assert.Equal(ProofVerdict.Invalid, check.Verdict);
        Assert.StartsWith("The path leads to a root the chain does not hold for this tree size", check.Reason, StringComparison.Ordinal);
        Assert.Equal(Convert.ToHexStringLower(genuine.RootAt(10)), check.OnChainRoot);
    }

    [Fact]
    public async Task Unpinned_the_contract_the_proof_names_is_read_and_the_verdict_says_so()
    {
        var check = await CheckAsync(Proof(genuine, ballots[3], 3, published), pinned: "");

        Assert.Equal(ProofVerdict.Valid, check.Verdict);
        Assert.Contains($"(contract {published}, as the audit service names it: this console is pinned to none;", check.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_chain_node_or_audit_service_out_of_reach_is_said_without_its_address()
    {
        // Anyone may open the proof viewer: it never shows where the node or the audit service lives.
        var proof = Proof(genuine, ballots[3], 3, published);
        var nodeDown = await CheckAsync(proof, published, rpcUrl: "http://127.0.0.1:1/?apikey=secret");
        Assert.Equal(ProofVerdict.CannotCheck, nodeDown.Verdict);
        Assert.Equal("The chain node this console reads can't be reached right now; try again shortly.", nodeDown.Reason);

        var services = new ServiceCollection();
        services.AddHttpClient(AuditClient.HttpClientName, client => client.BaseAddress = new Uri("http://127.0.0.1:1/"));
        using var provider = services.BuildServiceProvider();
        var auditDown = await new ReceiptChecker(new AuditClient(provider.GetRequiredService<IHttpClientFactory>()), new ChainReadOptions { RpcUrl = RpcUrl })
            .CheckAsync(proof.Receipt, CancellationToken.None);
        Assert.Equal(ProofVerdict.CannotCheck, auditDown.Verdict);
        Assert.Equal("The audit service can't be reached right now; try again shortly.", auditDown.Reason);
    }

    [Theory]
    [InlineData(RpcFault.Refused)]
    [InlineData(RpcFault.EmptyAnswer)]
    public async Task A_chain_node_that_refuses_the_read_or_answers_nothing_is_a_check_not_made(RpcFault fault)
    {
        // A rate limit, state the node does not keep, an empty answer: the page says so, never crashes.
        await using var proxy = RpcProxy.Start(RpcUrl);
        proxy.FailNext("eth_call", fault, "rate limited by the test's proxy", times: 100);

        var check = await CheckAsync(Proof(genuine, ballots[3], 3, published), published, rpcUrl: proxy.RpcUrl);

        Assert.Equal(ProofVerdict.CannotCheck, check.Verdict);
        Assert.Equal("The chain node this console reads refused or did not answer the check; try again shortly.", check.Reason);
        Assert.True(proxy.Faulted > 0);
    }

    [Fact]
    public async Task Checks_after_the_first_read_only_the_checkpoint_from_the_node()
    {
        await using var proxy = RpcProxy.Start(RpcUrl);
        var proof = Proof(genuine, ballots[3], 3, published);
        var checker = Checker(proof, published, proxy.RpcUrl);

        Assert.Equal(ProofVerdict.Valid, (await checker.CheckAsync(proof.Receipt, CancellationToken.None)).Verdict);
        var (firstChainIds, firstCalls) = (proxy.Calls("eth_chainId"), proxy.Calls("eth_call"));
        Assert.Equal(1, firstChainIds);

        Assert.Equal(ProofVerdict.Valid, (await checker.CheckAsync(proof.Receipt, CancellationToken.None)).Verdict);
        Assert.Equal(firstChainIds, proxy.Calls("eth_chainId")); // the chain id remembered
        var secondCalls = proxy.Calls("eth_call") - firstCalls;
        Assert.True(secondCalls >= 1 && secondCalls < firstCalls, $"the second check made {secondCalls} eth_calls, the first {firstCalls}: the code check was not remembered");
    }

    private static InclusionProofDocument Proof(MerkleTree tree, byte[] ballot, long leafIndex, string contract) => new(
        Election, Convert.ToHexStringLower(ballot), leafIndex, 10, [.. tree.InclusionProof(leafIndex, 10).Select(Convert.ToHexStringLower)],
        Convert.ToHexStringLower(tree.RootAt(10)), new AnchorReference(LocalStack.Chain().ChainId, contract, "0x" + new string('0', 64), 1));

    private Task<ReceiptCheck> CheckAsync(InclusionProofDocument proof, string pinned, string? rpcUrl = null) =>
        Checker(proof, pinned, rpcUrl).CheckAsync(proof.Receipt, CancellationToken.None);

    /// <summary>A checker whose audit service serves <paramref name="proof"/>, reading the chain at <paramref name="rpcUrl"/> (the test's node by default).</summary>
    private ReceiptChecker Checker(InclusionProofDocument proof, string pinned, string? rpcUrl = null)
    {
        var services = new ServiceCollection();
        services.AddHttpClient(AuditClient.HttpClientName, client => client.BaseAddress = new Uri("http://audit.test/"))
            .ConfigurePrimaryHttpMessageHandler(() => new ProofServer(proof));
        var provider = services.BuildServiceProvider(); // lives as long as the checker (the test)
        return new ReceiptChecker(new AuditClient(provider.GetRequiredService<IHttpClientFactory>()), new ChainReadOptions { RpcUrl = rpcUrl ?? RpcUrl, AnchorContractAddress = pinned });
    }

    /// <summary>An audit service that serves one proof document for its receipt.</summary>
    private sealed class ProofServer(InclusionProofDocument proof) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(request.RequestUri!.AbsolutePath == $"/api/v1/audit/receipts/{proof.Receipt}/proof"
                ? new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(JsonSerializer.Serialize(proof, AuditJsonContext.Default.InclusionProofDocument), System.Text.Encoding.UTF8, "application/json") }
                : new HttpResponseMessage(HttpStatusCode.NotFound));
    }
}
