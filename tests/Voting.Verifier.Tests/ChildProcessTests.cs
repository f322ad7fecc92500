using Voting.TestSupport;

namespace Voting.Verifier.Tests;

/// <summary>The built program, run as auditors run it: <c>dotnet Voting.Verifier.dll …</c>, judged by its exit code.</summary>
public sealed class ChildProcessTests(AnchoredLog log) : IClassFixture<AnchoredLog>
{
    [Fact]
    public async Task A_genuine_proof_exits_0_and_a_tampered_one_exits_1()
    {
        var good = log.InclusionProof(21, AnchoredLog.FullSize);
        var tampered = good with { Receipt = log.Receipt(22) };

        var valid = await RunAsync("verify-receipt", "--proof", log.Write(good), "--receipt", log.Receipt(21), "--rpc", log.Chain.RpcUrl, "--contract", log.Contract, "--election", log.ElectionId, "--chain-id", log.ChainId);
        var invalid = await RunAsync("verify-receipt", "--proof", log.Write(tampered), "--receipt", log.Receipt(22), "--rpc", log.Chain.RpcUrl, "--contract", log.Contract, "--election", log.ElectionId, "--chain-id", log.ChainId);

        Assert.Equal(0, valid.ExitCode);
        Assert.StartsWith($"VALID: ballot {log.Receipt(21)} is leaf 21 of the {log.ElectionId} log", valid.Stdout, StringComparison.Ordinal);
        Assert.Equal(1, invalid.ExitCode);
        Assert.StartsWith("INVALID: ", invalid.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_consistency_proof_exits_0_and_an_unreachable_node_exits_2()
    {
        var proof = log.Write(log.ConsistencyProof(AnchoredLog.SmallSize, AnchoredLog.FullSize));

        var valid = await RunAsync("verify-consistency", "--proof", proof, "--rpc", log.Chain.RpcUrl, "--contract", log.Contract, "--election", log.ElectionId, "--chain-id", log.ChainId);
        var unreachable = await RunAsync("verify-consistency", "--proof", proof, "--rpc", "http://127.0.0.1:1", "--contract", log.Contract, "--election", log.ElectionId, "--chain-id", log.ChainId);

        Assert.Equal(0, valid.ExitCode);
        Assert.StartsWith("VALID: ", valid.Stdout, StringComparison.Ordinal);
        Assert.Equal(2, unreachable.ExitCode);
        Assert.Equal("", unreachable.Stdout);
        Assert.StartsWith("ERROR: cannot reach the chain node", unreachable.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", unreachable.Stderr, StringComparison.Ordinal);
    }

    private static async Task<CliRun> RunAsync(params string[] args)
    {
        var (exitCode, stdout, stderr) = await VerifierProcess.RunAsync(args);
        return new CliRun(exitCode, stdout, stderr);
    }
}
