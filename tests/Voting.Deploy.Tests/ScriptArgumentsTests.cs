namespace Voting.Deploy.Tests;

/// <summary>
/// The stack and test scripts refuse a bad command line in one line, exit 2, before they start,
/// install or delete anything: the stack directory they would create is never made.
/// </summary>
public sealed class ScriptArgumentsTests : IDisposable
{
    private readonly string scratch = Directory.CreateTempSubdirectory("script-args-").FullName;

    private string StackDir => Path.Combine(scratch, "stack");

    public void Dispose() => Directory.Delete(scratch, recursive: true);

    [Theory]
    [InlineData(new[] { "upp" }, "stack.sh: unknown command 'upp' (one of: up, down, status, install, delete-topics, help)")]
    [InlineData(new[] { "bogus", "kafka" }, "stack.sh: unknown command 'bogus' (one of: up, down, status, install, delete-topics, help)")]
    [InlineData(new[] { "up", "kafak" }, "unknown server 'kafak' (one of: zookeeper kafka mariadb redis clickhouse anvil)")]
    public async Task The_stack_script_names_what_it_does_not_know(string[] arguments, string line)
    {
        var (exit, output, error) = await RunAsync("deploy/local/stack.sh", arguments);

        Assert.True(exit == 2, $"exit {exit}\n{output}\n{error}");
        Assert.Equal("", output);
        Assert.Equal(line, error.Trim());
        Assert.False(Directory.Exists(StackDir), "stack.sh made its directory for a command it refused");
    }

    [Fact]
    public async Task The_test_script_checks_its_arguments_before_bringing_up_the_stack()
    {
        var (exit, output, error) = await RunAsync("deploy/test.sh", ["--filter"]);

        Assert.True(exit == 2, $"exit {exit}\n{output}\n{error}");
        Assert.Equal("", output);
        Assert.Equal("test: --filter needs an expression", error.Trim());
        Assert.False(Directory.Exists(StackDir), "test.sh brought the stack up for a command line it then refused");
    }

    private Task<(int ExitCode, string Output, string Error)> RunAsync(string script, string[] arguments) =>
        ScriptProcess.RunAsync("bash", [script, .. arguments], new Dictionary<string, string> { ["VOTING_STACK_DIR"] = StackDir });
}
