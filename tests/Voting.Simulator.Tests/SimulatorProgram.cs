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

    /// <summary>
    /// Runs it until it prints a line <paramref name="interruptAt"/> accepts, then sends it Ctrl-C
    /// (SIGINT) and waits for it to end (a minute at most each); killed whatever happens.
    /// </summary>
    public static async Task<(int Exit, string Output, string Error)> InterruptAsync(Func<string, bool> interruptAt, params string[] args)
    {
        using var process = Start(null, args);
        var output = new System.Text.StringBuilder();
        var reached = new TaskCompletionSource();
        process.OutputDataReceived += (_, line) =>
        {
            lock (output)
            {
                output.AppendLine(line.Data);
            }

            if (line.Data is { } text && interruptAt(text))
            {
                reached.TrySetResult();
            }
        };
        process.BeginOutputReadLine();
        var error = process.StandardError.ReadToEndAsync();
        try
        {
            await reached.Task.WaitAsync(TimeSpan.FromSeconds(60));
            using (var interrupt = Process.Start("kill", ["-INT", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await interrupt!.WaitForExitAsync();
            }

            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await process.WaitForExitAsync(timeout.Token);
        }
        finally
        {
            process.Kill(entireProcessTree: true);
        }

        string printed;
        lock (output)
        {
            printed = output.ToString();
        }

        return (process.ExitCode, printed, await error);
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
