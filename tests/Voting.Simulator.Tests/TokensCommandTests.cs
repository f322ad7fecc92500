namespace Voting.Simulator.Tests;

/// <summary>The <c>tokens</c> command run as the program itself, in the local configuration.</summary>
public sealed class TokensCommandTests : IDisposable
{
    private readonly DirectoryInfo folder = Directory.CreateTempSubdirectory("voting-tokens-");

    public void Dispose() => folder.Delete(recursive: true);

    [Fact]
    public async Task Tokens_for_a_missing_folder_end_with_one_line_and_exit_2_and_otherwise_arrive_whole()
    {
        var missing = Path.Combine(folder.FullName, "no-such-folder", "tokens.txt");
        var (refused, refusedOut, refusedError) = await SimulatorProgram.RunAsync("tokens", "--count", "3", "--out", missing);
        Assert.Equal(2, refused);
        Assert.Equal("", refusedOut);
        Assert.Equal($"tokens: the folder {Path.GetDirectoryName(missing)} does not exist", refusedError.Trim());

        var written = Path.Combine(folder.FullName, "tokens.txt");
        var (exit, output, error) = await SimulatorProgram.RunAsync("tokens", "--count", "3", "--out", written);
        Assert.True(exit == 0, error);
        Assert.StartsWith("wrote 3 tokens for election ", output, StringComparison.Ordinal);
        Assert.Equal(3, (await File.ReadAllLinesAsync(written)).Length);
        Assert.Equal(["tokens.txt"], folder.GetFiles().Select(f => f.Name));
    }

    [Fact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public async Task A_file_left_where_a_partial_file_once_went_is_never_written_through_and_the_tokens_are_owner_only()
    {
        // A world-readable leftover, and a link planted at the old partial name towards a file of someone else's.
        var elsewhere = Path.Combine(folder.FullName, "elsewhere.txt");
        await File.WriteAllTextAsync(elsewhere, "untouched");
        var written = Path.Combine(folder.FullName, "tokens.txt");
        File.CreateSymbolicLink(written + ".partial", elsewhere);

        var (exit, _, error) = await SimulatorProgram.RunAsync("tokens", "--count", "3", "--out", written);

        Assert.True(exit == 0, error);
        Assert.Equal("untouched", await File.ReadAllTextAsync(elsewhere));
        Assert.Equal(3, (await File.ReadAllLinesAsync(written)).Length);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(written));
        Assert.Null(new FileInfo(written).LinkTarget);
    }

    [Fact]
    public async Task An_interrupted_run_reports_how_far_it_got_exits_130_and_leaves_no_file()
    {
        var written = Path.Combine(folder.FullName, "tokens.txt");
        await File.WriteAllTextAsync(written, "the earlier tokens\n");

        // Fifty million take minutes: it says how far it got once a second, and is interrupted then.
        var (exit, output, error) = await SimulatorProgram.InterruptAsync(
            line => line.StartsWith("minted ", StringComparison.Ordinal), "tokens", "--count", "50000000", "--out", written);

        Assert.True(exit == 130, $"exit {exit}\n{output}\n{error}");
        Assert.Matches(@"^minted [\d,]+ of 50,000,000 tokens$", output.Split('\n')[0]);
        Assert.Matches($@"^tokens: interrupted after [\d,]+ of 50,000,000 tokens; {System.Text.RegularExpressions.Regex.Escape(written)} left as it was$", error.Trim());
        Assert.Equal("the earlier tokens\n", await File.ReadAllTextAsync(written));
        Assert.Equal(["tokens.txt"], folder.GetFiles().Select(f => f.Name)); // no partial file beside it
    }
}
