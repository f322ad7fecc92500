namespace Voting.Verifier.Tests;

public sealed class ConsistencyVerificationTests(AnchoredLog log) : IClassFixture<AnchoredLog>
{
    private string Rpc => log.Chain.RpcUrl;

    [Fact]
    public async Task A_genuine_consistency_proof_between_anchored_sizes_is_valid()
    {
        var proof = log.Write(log.ConsistencyProof(AnchoredLog.SmallSize, AnchoredLog.FullSize));

        var line = (await Cli.RunAsync("verify-consistency", "--proof", proof, "--rpc", Rpc, "--contract", log.Contract)).Verdict(0);

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

        var line = (await Cli.RunAsync("verify-consistency", "--proof", proof, "--rpc", Rpc, "--contract", log.Contract)).Verdict(1);

        Assert.StartsWith("INVALID: the consistency proof (", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_truncated_consistency_proof_is_invalid()
    {
        var document = log.ConsistencyProof(AnchoredLog.SmallSize, AnchoredLog.FullSize);
        var proof = log.Write(document with { Path = [.. document.Path.Skip(1)] });

        (await Cli.RunAsync("verify-consistency", "--proof", proof, "--rpc", Rpc, "--contract", log.Contract)).Verdict(1);
    }

    [Fact]
    public async Task A_proof_from_a_size_that_was_never_anchored_is_invalid()
    {
        var proof = log.Write(log.ConsistencyProof(30, AnchoredLog.FullSize));

        var line = (await Cli.RunAsync("verify-consistency", "--proof", proof, "--rpc", Rpc, "--contract", log.Contract)).Verdict(1);

        Assert.Equal($"INVALID: no checkpoint of size 30 for election {log.ElectionId} on chain {log.Chain.ChainId} in contract {log.Contract}", line);
    }

    [Fact]
    public async Task A_node_of_another_chain_is_invalid()
    {
        var proof = log.Write(log.ConsistencyProof(AnchoredLog.SmallSize, AnchoredLog.FullSize) with { ChainId = 5 });

        var line = (await Cli.RunAsync("verify-consistency", "--proof", proof, "--rpc", Rpc, "--contract", log.Contract)).Verdict(1);

        Assert.StartsWith("INVALID: chain id mismatch: ", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_non_hex_node_cannot_be_checked()
    {
        var document = log.ConsistencyProof(AnchoredLog.SmallSize, AnchoredLog.FullSize);
        var proof = log.Write(document with { Path = [.. document.Path.Take(1), "zz" + document.Path[1][2..]] });

        var line = (await Cli.RunAsync("verify-consistency", "--proof", proof, "--rpc", Rpc, "--contract", log.Contract)).Error();

        Assert.StartsWith("ERROR: path[1] is not hex: 'zz", line, StringComparison.Ordinal);
    }
}
