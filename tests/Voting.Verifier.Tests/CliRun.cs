namespace Voting.Verifier.Tests;

/// <summary>The exit code and output of one verifier run.</summary>
public sealed record CliRun(int ExitCode, string Stdout, string Stderr)
{
    /// <summary>The single verdict line on stdout (VALID or INVALID), nothing on stderr.</summary>
    public string Verdict(int expectedExitCode)
    {
        Assert.True(ExitCode == expectedExitCode, $"exit code {ExitCode}, expected {expectedExitCode}; stdout: {Stdout}; stderr: {Stderr}");
        Assert.Equal("", Stderr);
        var lines = Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        return Assert.Single(lines);
    }

    /// <summary>The single ERROR line on stderr (exit 2), nothing on stdout.</summary>
    public string Error()
    {
        Assert.True(ExitCode == 2, $"exit code {ExitCode}, expected 2; stdout: {Stdout}; stderr: {Stderr}");
        Assert.Equal("", Stdout);
        var line = Assert.Single(Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("ERROR: ", line, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", Stderr, StringComparison.Ordinal);
        return line;
    }
}
