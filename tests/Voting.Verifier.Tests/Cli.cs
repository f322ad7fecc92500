namespace Voting.Verifier.Tests;

/// <summary>Runs the verifier in-process and captures what it prints.</summary>
public static class Cli
{
    public static async Task<CliRun> RunAsync(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exitCode = await VerifierCli.RunAsync(args, stdout, stderr);
        return new CliRun(exitCode, stdout.ToString(), stderr.ToString());
    }
}
