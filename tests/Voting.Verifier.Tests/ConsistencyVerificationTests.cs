namespace Voting.Verifier.Tests;

public sealed class ConsistencyVerificationTests(AnchoredLog log) : IClassFixture<AnchoredLog>
{
    private string Rpc => log.Chain.RpcUrl;

    [Fact]
    public async Task A_genuine_consistency_proof_between_anchored_sizes_is_valid()
    {
        var proof = log.Write(log.ConsistencyProof(AnchoredLog.SmallSize, AnchoredLog.FullSize));

        var line = (await Cli.RunAsync("verify-consistency", "--proof", proof, "--rpc", Rpc, "--contract", log.Contract, "--election", log.ElectionId, "--chain-id", log.ChainId)).Verdict(0);

        Assert.Equal(
            $"VALID: the {log.ElectionId} log at size 100 (root {Convert.ToHexStringLower(log.Tree.RootAt(100))}) extends its log at size 40 " +
            $"(root {Convert.ToHexStringLower(log.Tree.RootAt(40))}), both anchored on chain {log.Chain.ChainId} in contract {log.Contract}" +
            ", as of the newest block (not yet final on a public chain: see --confirmations)",
            line);
    }

    [Fact]
    public async Task A_tampered_consistency_proof_is_invalid()
    {
        var document = log.ConsistencyProof(AnchoredLog.SmallSize, AnchoredLog.FullSize);
        var path = document.Path.ToList();
        path[^1] = new string('f', 64);
        var proof = log.Write(document with { Path = path });

        var line = (await Cli.RunAsync("verify-consistency", "--proof", proof, "--rpc", Rpc, "--contract", log.Contract, "--election", log.ElectionId, "--chain-id", log.ChainId)).Verdict(1);

        Assert.StartsWith("INVALID: the consistency proof (", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_truncated_consistency_proof_is_invalid()
    {
        var document = log.ConsistencyProof(AnchoredLog.SmallSize, AnchoredLog.FullSize);
        var proof = log.Write(document with { Path = [.. document.Path.Skip(1)] });

        (await Cli.RunAsync("verify-consistency", "--proof", proof, "--rpc", Rpc, "--contract", log.Contract, "--election", log.ElectionId, "--chain-id", log.ChainId)).Verdict(1);
    }

    [Fact]
    public async Task A_proof_from_a_size_that_was_never_anchored_is_invalid()
    {
        var proof = log.Write(log.ConsistencyProof(30, AnchoredLog.FullSize));

        var line = (await Cli.RunAsync("verify-consistency", "--proof", proof, "--rpc", Rpc, "--contract", log.Contract, "--election", log.ElectionId, "--chain-id", log.ChainId)).Verdict(1);

        Assert.Equal($"INVALID: no checkpoint of size 30 for election {log.ElectionId} on chain {log.Chain.ChainId} in contract {log.Contract}", line);
    }

    [Fact]
    public async Task A_node_or_a_proof_of_another_chain_than_the_published_one_is_invalid()
    {
        var otherChain = log.Write(log.ConsistencyProof(AnchoredLog.SmallSize, AnchoredLog.FullSize) with { ChainId = 5 });

        var node = (await Cli.RunAsync("verify-consistency", "--proof", otherChain, "--rpc", Rpc, "--contract", log.Contract, "--election", log.ElectionId, "--chain-id", "5")).Verdict(1);
        var document = (await Cli.RunAsync("verify-consistency", "--proof", otherChain, "--rpc", Rpc, "--contract", log.Contract, "--election", log.ElectionId, "--chain-id", log.ChainId)).Verdict(1);

        Assert.StartsWith("INVALID: chain id mismatch: ", node, StringComparison.Ordinal);
        Assert.EndsWith($"but the anchors of {log.ElectionId} are published on chain 5", node, StringComparison.Ordinal);
        Assert.StartsWith("INVALID: the proof says it is anchored on chain 5", document, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_proof_of_another_election_is_invalid()
    {
        var proof = log.Write(log.ConsistencyProof(AnchoredLog.SmallSize, AnchoredLog.FullSize) with { ElectionId = "us-2028" });

        var line = (await Cli.RunAsync("verify-consistency", "--proof", proof, "--rpc", Rpc, "--contract", log.Contract, "--election", log.ElectionId, "--chain-id", log.ChainId)).Verdict(1);

        Assert.Equal($"INVALID: the proof is for election \"us-2028\", not {log.ElectionId}: it proves nothing about {log.ElectionId}", line);
    }

    [Fact]
    public async Task A_shrinking_log_is_invalid_and_a_size_against_itself_is_valid()
    {
        var backwards = log.Write(log.ConsistencyProof(AnchoredLog.SmallSize, AnchoredLog.FullSize) with { FromSize = AnchoredLog.FullSize, ToSize = AnchoredLog.SmallSize });
        var same = log.Write(log.ConsistencyProof(AnchoredLog.FullSize, AnchoredLog.FullSize));

        var shrinking = (await Cli.RunAsync("verify-consistency", "--proof", backwards, "--rpc", Rpc, "--contract", log.Contract, "--election", log.ElectionId, "--chain-id", log.ChainId)).Verdict(1);
        var itself = (await Cli.RunAsync("verify-consistency", "--proof", same, "--rpc", Rpc, "--contract", log.Contract, "--election", log.ElectionId, "--chain-id", log.ChainId)).Verdict(0);

        Assert.Equal($"INVALID: fromSize {AnchoredLog.FullSize} is larger than toSize {AnchoredLog.SmallSize}: a log never shrinks", shrinking);
        Assert.StartsWith($"VALID: the {log.ElectionId} log at size {AnchoredLog.FullSize}", itself, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_non_hex_node_cannot_be_checked()
    {
        var document = log.ConsistencyProof(AnchoredLog.SmallSize, AnchoredLog.FullSize);
        var proof = log.Write(document with { Path = [.. document.Path.Take(1), "zz" + document.Path[1][2..]] });

        var line = (await Cli.RunAsync("verify-consistency", "--proof", proof, "--rpc", Rpc, "--contract", log.Contract, "--election", log.ElectionId, "--chain-id", log.ChainId)).Error();

        Assert.StartsWith("ERROR: path[1] is not hex: 'zz", line, StringComparison.Ordinal);
    }
}
