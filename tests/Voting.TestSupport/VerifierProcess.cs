using System.Diagnostics;

namespace Voting.TestSupport;

/// <summary>The built verifier, run as auditors run it: <c>dotnet Voting.Verifier.dll …</c>.</summary>
public static class VerifierProcess
{
    /// <summary>Runs the verifier with <paramref name="args"/>; its exit code and output.</summary>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(params string[] args)
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
        return (process.ExitCode, await stdout, await stderr);
    }

    /// <summary>The program beside the tests (a project reference copies it) or in its own build output.</summary>
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
