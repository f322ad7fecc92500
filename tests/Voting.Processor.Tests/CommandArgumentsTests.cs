namespace Voting.Processor.Tests;

/// <summary>The processor's commands answer their arguments before touching any store.</summary>
public sealed class CommandArgumentsTests
{
    public static TheoryData<string> Commands => new() { "reconcile", "rebuild-tallies" };

    private static Task<int> RunAsync(string command, string[] args, TextWriter output) => command == "reconcile"
        ? ReconcileCommand.RunAsync(null!, args, output)
        : RebuildTalliesCommand.RunAsync(null!, args, output);

    [Theory]
    [MemberData(nameof(Commands))]
    public async Task Help_prints_the_usage_and_succeeds(string command)
    {
        using var output = new StringWriter();

        Assert.Equal(0, await RunAsync(command, [command, "--help"], output));

        Assert.Equal($"usage: Voting.Processor {command} ELECTION_ID", output.ToString().Trim());
    }

    [Theory]
    [MemberData(nameof(Commands))]
    public async Task An_option_where_the_election_id_goes_is_bad_use_not_an_election(string command)
    {
        using var output = new StringWriter();

        Assert.Equal(2, await RunAsync(command, [command, "--election"], output));
        Assert.Equal(2, await RunAsync(command, [command], output));
        Assert.Empty(output.ToString());
    }
}
