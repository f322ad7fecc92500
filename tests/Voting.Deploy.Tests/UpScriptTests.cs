namespace Voting.Deploy.Tests;

/// <summary>
/// deploy/up.sh answers --help and refuses a bad simulator option before it starts anything: the
/// stack directory it would create is never made. (It builds the simulator in Release first.)
/// </summary>
public sealed class UpScriptTests : IDisposable
{
    private readonly string scratch = Directory.CreateTempSubdirectory("up-script-").FullName;

    private string StackDir => Path.Combine(scratch, "stack");

    public void Dispose() => Directory.Delete(scratch, recursive: true);

    [Fact]
    public async Task Help_lists_the_commands_and_the_simulator_options_and_starts_nothing()
    {
        var (exit, output, error) = await RunUpAsync("--help");

        Assert.True(exit == 0, $"exit {exit}\n{output}\n{error}");
        Assert.Contains("Usage: bash deploy/up.sh [simulate options]", output, StringComparison.Ordinal);
        Assert.Contains("bash deploy/up.sh down", output, StringComparison.Ordinal);
        Assert.Contains("--voters <voters>", output, StringComparison.Ordinal);
        Assert.DoesNotContain("--check-arguments", output, StringComparison.Ordinal);
        Assert.False(Directory.Exists(StackDir), "up.sh --help started the stack");
    }

    [Theory]
    [InlineData("--voters", "many", "simulate: Cannot parse argument 'many' for option '--voters' as expected type 'System.Int32' (see --help)")]
    [InlineData("--voters", "0", "simulate: --voters must be positive")]
    public async Task A_bad_simulator_option_is_refused_in_one_line_before_anything_starts(string option, string value, string line)
    {
        var (exit, output, error) = await RunUpAsync(option, value);

        Assert.True(exit == 2, $"exit {exit}\n{output}\n{error}");
        Assert.Equal([line, "up: nothing was started"], error.Trim().Split('\n'));
        Assert.False(Directory.Exists(StackDir), "up.sh started the stack for a run it then refused");
    }

    [Fact]
    public async Task Status_exits_non_zero_when_not_everything_runs()
    {
        // This scratch stack directory has started nothing, so its servers are not this stack's.
        var (exit, output, error) = await RunUpAsync("status");

        Assert.True(exit == 1, $"exit {exit}\n{output}\n{error}");
        Assert.Contains("down    kafka", output, StringComparison.Ordinal);
        Assert.Contains("Voting.Processor  http://127.0.0.1:5102", output, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(StackDir, "services")), "status started something");
    }

    private Task<(int ExitCode, string Output, string Error)> RunUpAsync(params string[] arguments) =>
        ScriptProcess.RunAsync(
            "bash", ["deploy/up.sh", .. arguments], new Dictionary<string, string>
            {
                ["VOTING_STACK_DIR"] = StackDir,
                // No build server outliving the script with its output pipes open (the test reads them to the end).
                ["MSBUILDDISABLENODEREUSE"] = "1",
                ["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0",
                ["UseSharedCompilation"] = "false",
            }, TimeSpan.FromMinutes(5));
}
