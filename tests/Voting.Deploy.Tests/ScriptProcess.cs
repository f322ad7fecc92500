using System.Diagnostics;

namespace Voting.Deploy.Tests;

/// <summary>Runs a program of the repository's scripts to completion, from the repository's root. A program that is missing throws: the test fails, it never skips.</summary>
internal static class ScriptProcess
{
    public static async Task<(int ExitCode, string Output, string Error)> RunAsync(
        string program, IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string>? environment = null, TimeSpan? timeout = null)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = RepoPaths.Root,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(limit.Token);
            // Within the same limit: a child left running with the pipes open would hold them for ever.
            await Task.WhenAll(output, error).WaitAsync(limit.Token);
        }
        catch (OperationCanceledException) when (limit.IsCancellationRequested)
        {
            throw new TimeoutException($"{program} {string.Join(' ', arguments)} did not finish (and close its output) within {timeout ?? TimeSpan.FromSeconds(60)}");
        }
        finally
        {
            process.Kill(entireProcessTree: true);
        }

        return (process.ExitCode, await output, await error);
    }
}
