using System.Diagnostics;
using Voting.Infrastructure.Chain;
using Voting.TestSupport;

namespace Voting.Infrastructure.Tests;

public sealed class ContractArtifactTests
{
    [Fact]
    public async Task Committed_ABI_and_bytecode_are_exactly_what_the_source_compiles_to()
    {
        var output = Directory.CreateTempSubdirectory("contracts").FullName;
        try
        {
            var script = Path.Combine(RepositoryRoot.Path, "deploy", "local", "compile-contracts.sh");
            using var process = Process.Start(new ProcessStartInfo("bash", [script, output]) { RedirectStandardError = true, RedirectStandardOutput = true })!;
            var errors = await process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            Assert.True(process.ExitCode == 0, $"compile-contracts.sh failed: {errors}");

            Assert.Equal(File.ReadAllText(Path.Combine(output, "CheckpointAnchor.abi")).Trim(), CheckpointAnchorContract.Abi);
            Assert.Equal(File.ReadAllText(Path.Combine(output, "CheckpointAnchor.bin")).Trim(), CheckpointAnchorContract.Bytecode);
        }
        finally
        {
            Directory.Delete(output, recursive: true);
        }
    }
}
