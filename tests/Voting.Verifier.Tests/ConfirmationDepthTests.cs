using System.Security.Cryptography;
using System.Text.Json;
using Voting.Core.Audit;
using Voting.Core.Merkle;
using Voting.Infrastructure.Chain;
using Voting.TestSupport;

namespace Voting.Verifier.Tests;

/// <summary>
/// <c>--confirmations N</c>: an anchor is trusted only once N blocks are mined on top of it, on a chain
/// of the test's own (it mines blocks at will).
/// </summary>
public sealed class ConfirmationDepthTests : IAsyncLifetime
{
    private readonly string directory = Directory.CreateTempSubdirectory("verifier-depth-").FullName;
    private readonly string election = LocalStack.UniqueName("depth");
    private readonly MerkleTree tree = new();
    private readonly List<byte[]> hashes = [.. Enumerable.Range(0, 20).Select(_ => RandomNumberGenerator.GetBytes(32))];
    private ScratchAnvil anvil = null!;
    private string contract = "";
    private long chainId;

    public async Task InitializeAsync()
    {
        anvil = await ScratchAnvil.StartAsync();
        var chain = LocalStack.Chain();
        chain.RpcUrl = anvil.RpcUrl;
        chainId = chain.ChainId;
        foreach (var hash in hashes)
        {
            tree.AppendLeafData(hash);
        }
        var web3 = new ChainClientFactory(chain).CreateSigning();
        contract = (await CheckpointAnchorContract.DeployAsync(web3, CancellationToken.None)).ContractAddress; // block 1
        var client = new CheckpointAnchorClient(web3, contract);
        await client.AnchorAsync(election, 10, tree.RootAt(10), [], DateTimeOffset.UtcNow, CancellationToken.None); // block 2
        await client.AnchorAsync(election, 20, tree.RootAt(20), tree.ConsistencyProof(10, 20), DateTimeOffset.UtcNow, CancellationToken.None); // block 3
    }

    public async Task DisposeAsync()
    {
        await anvil.DisposeAsync();
        Directory.Delete(directory, recursive: true);
    }

    [Fact]
    public async Task A_receipt_is_valid_only_once_its_anchor_has_the_blocks_asked_for_on_top()
    {
        var proof = Write(new InclusionProofDocument(
            election, Convert.ToHexStringLower(hashes[15]), 15, 20, [.. tree.InclusionProof(15, 20).Select(Convert.ToHexStringLower)],
            Convert.ToHexStringLower(tree.RootAt(20)), new AnchorReference(chainId, contract, "0x" + new string('0', 64), 3)));
        Task<CliRun> Verify(int confirmations) =>
            Cli.RunAsync("verify-receipt", "--proof", proof, "--receipt", Convert.ToHexStringLower(hashes[15]), "--rpc", anvil.RpcUrl, "--contract", contract, "--election", election, "--chain-id", $"{chainId}", "--confirmations", $"{confirmations}");

        Assert.DoesNotContain("deep", (await Verify(0)).Verdict(0), StringComparison.Ordinal);

        // The anchor is in the newest block: a reorganisation could still undo it.
        var early = (await Verify(3)).Error();
        Assert.Contains("checkpoint of size 20 is anchored, but in one of the newest 3 blocks of the chain (newest 3)", early, StringComparison.Ordinal);
        await anvil.MineAsync(2);
        (await Verify(3)).Error();

        await anvil.MineAsync(1);
        Assert.Contains("leaf 15", (await Verify(3)).Verdict(0), StringComparison.Ordinal);
        Assert.EndsWith("at least 3 blocks deep", (await Verify(3)).Verdict(0), StringComparison.Ordinal);

        // Asking for more blocks than the contract itself has (6 blocks now; deployed in block 1, with
        // no code before), or than the chain has, is "not deep enough", never a contract that is not one.
        Assert.Contains("newest 5 blocks", (await Verify(5)).Error(), StringComparison.Ordinal);
        Assert.Contains("newest 6 blocks", (await Verify(6)).Error(), StringComparison.Ordinal);
        Assert.Contains("newest 1000 blocks", (await Verify(1000)).Error(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_consistency_proof_needs_both_anchors_as_deep_as_asked()
    {
        var proof = Write(new ConsistencyProofDocument(
            election, 10, 20, Convert.ToHexStringLower(tree.RootAt(10)), Convert.ToHexStringLower(tree.RootAt(20)),
            [.. tree.ConsistencyProof(10, 20).Select(Convert.ToHexStringLower)], chainId, contract));
        Task<CliRun> Verify(int confirmations) =>
            Cli.RunAsync("verify-consistency", "--proof", proof, "--rpc", anvil.RpcUrl, "--contract", contract, "--election", election, "--chain-id", $"{chainId}", "--confirmations", $"{confirmations}");

        // Size 10 is one block deep, size 20 none: asking for one block fails on size 20 alone.
        Assert.Contains("checkpoint of size 20 is anchored, but in the newest block of the chain (newest 3)", (await Verify(1)).Error(), StringComparison.Ordinal);
        await anvil.MineAsync(1);
        Assert.EndsWith("at least 1 block deep", (await Verify(1)).Verdict(0), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("100001")]
    public async Task A_confirmation_count_out_of_range_is_refused_in_one_line(string confirmations)
    {
        var line = (await Cli.RunAsync("verify-receipt", "--proof", Path.Combine(directory, "none.json"), "--receipt", new string('0', 64), "--rpc", anvil.RpcUrl, "--contract", contract, "--election", election, "--chain-id", $"{chainId}", "--confirmations", confirmations)).Error();
        Assert.Equal($"ERROR: --confirmations must be between 0 and 100000 blocks; got {confirmations}", line);
    }

    private string Write<T>(T document)
    {
        var path = Path.Combine(directory, $"{Guid.NewGuid():N}.json");
        File.WriteAllText(path, typeof(T) == typeof(InclusionProofDocument)
            ? JsonSerializer.Serialize((InclusionProofDocument)(object)document!, AuditJsonContext.Default.InclusionProofDocument)
            : JsonSerializer.Serialize((ConsistencyProofDocument)(object)document!, AuditJsonContext.Default.ConsistencyProofDocument));
        return path;
    }
}
