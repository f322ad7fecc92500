using System.Diagnostics;
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

        var valid = await RunAsync("verify-receipt", "--proof", log.Write(good), "--rpc", log.Chain.RpcUrl, "--contract", log.Contract);
        var invalid = await RunAsync("verify-receipt", "--proof", log.Write(tampered), "--rpc", log.Chain.RpcUrl, "--contract", log.Contract);

        Assert.Equal(0, valid.ExitCode);
        Assert.StartsWith($"VALID: ballot {log.Receipt(21)[..16]}… is leaf 21 of the {log.ElectionId} log", valid.Stdout, StringComparison.Ordinal);
        Assert.Equal(1, invalid.ExitCode);
        Assert.StartsWith("INVALID: ", invalid.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_consistency_proof_exits_0_and_an_unreachable_node_exits_2()
    {
        var proof = log.Write(log.ConsistencyProof(AnchoredLog.SmallSize, AnchoredLog.FullSize));

        var valid = await RunAsync("verify-consistency", "--proof", proof, "--rpc", log.Chain.RpcUrl, "--contract", log.Contract);
        var unreachable = await RunAsync("verify-consistency", "--proof", proof, "--rpc", "http://127.0.0.1:1", "--contract", log.Contract);

        Assert.Equal(0, valid.ExitCode);
        Assert.StartsWith("VALID: ", valid.Stdout, StringComparison.Ordinal);
        Assert.Equal(2, unreachable.ExitCode);
        Assert.Equal("", unreachable.Stdout);
        Assert.StartsWith("ERROR: cannot reach the chain node", unreachable.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", unreachable.Stderr, StringComparison.Ordinal);
    }

    private static async Task<CliRun> RunAsync(params string[] args)
    {
        using var process = Process.Start(new ProcessStartInfo("dotnet", [Locate(), .. args])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await process.WaitForExitAsync(timeout.Token);
        return new CliRun(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>The program beside the tests (the project reference copies it) or in its own build output.</summary>
    private static string Locate()
    {
        const string Name = "Voting.Verifier";
        var beside = Path.Combine(AppContext.BaseDirectory, Name + ".dll");
        if (File.Exists(beside) && File.Exists(Path.Combine(AppContext.BaseDirectory, Name + ".runtimeconfig.json")))
        {
            return beside;
        }

        var output = new DirectoryInfo(AppContext.BaseDirectory);
        var built = Path.Combine(RepositoryRoot.Path, Name, "bin", output.Parent!.Name, output.Name, Name + ".dll");
        Assert.True(File.Exists(built), $"{Name}.dll is neither beside the tests nor built at {built}");
        return built;
    }
}
