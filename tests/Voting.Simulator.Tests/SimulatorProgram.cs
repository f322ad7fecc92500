using System.Diagnostics;

namespace Voting.Simulator.Tests;

/// <summary>The simulator run as the program itself, in the local configuration.</summary>
internal static class SimulatorProgram
{
    /// <summary>Starts it with standard output and error redirected.</summary>
    public static Process Start(IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "Voting.Simulator.dll"), .. args])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["DOTNET_ENVIRONMENT"] = "Local";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        return Process.Start(start)!;
    }

    /// <summary>Runs it to the end (a minute at most).</summary>
    public static Task<(int Exit, string Output, string Error)> RunAsync(params string[] args) => RunAsync(null, args);

    /// <inheritdoc cref="RunAsync(string[])"/>
    public static async Task<(int Exit, string Output, string Error)> RunAsync(IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        using var process = Start(environment, args);
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output, await error);
    }
}
