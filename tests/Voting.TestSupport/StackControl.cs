using System.Diagnostics;

namespace Voting.TestSupport;

/// <summary>
/// Stops and starts one server of the local stack through <c>deploy/local/stack.sh</c>, for fault
/// tests. Such tests carry <c>[Trait("Category", "Fault")]</c> and run alone, after the others.
/// </summary>
public static class StackControl
{
    public const string FaultCategory = "Fault";

    public static Task StopAsync(string server) => RunAsync("down", server);

    public static Task StartAsync(string server) => RunAsync("up", server);

    private static async Task RunAsync(string command, string server)
    {
        var script = Path.Combine(RepositoryRoot.Path, "deploy", "local", "stack.sh");
        using var process = Process.Start(new ProcessStartInfo("bash", [script, command, server])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var output = await process.StandardOutput.ReadToEndAsync();
        var errors = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"stack.sh {command} {server} failed: {output}{errors}");
    }
}
