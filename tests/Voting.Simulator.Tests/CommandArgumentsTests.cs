namespace Voting.Simulator.Tests;

/// <summary>Bad arguments end with one line on standard error and exit 2, before any request is sent.</summary>
public sealed class CommandArgumentsTests : IDisposable
{
    private readonly DirectoryInfo folder = Directory.CreateTempSubdirectory("voting-simulator-args-");

    public void Dispose() => folder.Delete(recursive: true);

    public static TheoryData<string[], string> Refused => new()
    {
        { ["simulate", "--rate", "NaN"], "simulate: --rate must be 0.001–10,000,000 votes per second" },
        { ["simulate", "--rate", "1e-300"], "simulate: --rate must be 0.001–10,000,000 votes per second" },
        { ["simulate", "--duplicates", "NaN"], "simulate: --duplicates and --malformed are shares from 0 to 1" },
        { ["simulate", "--probe-every", "1e300"], "simulate: --probe-every must be 0–86,400 seconds" },
        { ["simulate", "--max-seconds", "5000000"], "simulate: --max-seconds must be 1–604800 (a week)" },
        { ["simulate", "--voters", "0"], "simulate: --voters must be positive" },
        { ["simulate", "--ingest", "http://203.0.113.9:5101"], "simulate: http://203.0.113.9:5101/ is not a loopback address; the simulator only targets this machine" },
        { ["token", "--voter", "", "--state", "PA"], "token: --voter must not be empty" },
        { ["token", "--voter", "v1 ", "--state", "PA"], "token: --voter is not in canonical form (no surrounding white space, no control or invisible characters)" },
        { ["token", "--voter", "v1", "--state", "ZZ"], "token: --state 'ZZ' is not a US state code" },
        { ["token", "--voter", "v1", "--state", "PA", "--minutes", "0"], "token: --minutes must be 1–43200 (30 days)" },
        { ["token", "--voter", "v1", "--state", "PA", "--minutes", "2147483647"], "token: --minutes must be 1–43200 (30 days)" },
        { ["token", "--voter", "v1", "--state", "PA", "--election", "us-2082"], "token: election 'us-2082' is not configured" },
        { ["simulate", "--election", "us-2082"], "simulate: election 'us-2082' is not configured" },
        { ["tokens", "--count", "0", "--out", "/tmp/never-written"], "tokens: --count must be positive" },
        { ["tokens", "--count", "2", "--election", "us-2082", "--out", "/tmp/never-written"], "tokens: election 'us-2082' is not configured" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task Bad_arguments_end_with_one_line_and_exit_2(string[] args, string line)
    {
        var (exit, output, error) = await SimulatorProgram.RunAsync(args);

        Assert.Equal(2, exit);
        Assert.Equal("", output);
        Assert.Equal(line, error.Trim());
    }

    public static TheoryData<string[], string> Unparsable => new()
    {
        { ["simulate", "--ingest", "not a url"], "simulate: 'not a url' is not an absolute http(s) URL (see --help)" },
        { ["simulate", "--voters", "many"], "simulate: Cannot parse argument 'many' for option '--voters' as expected type 'System.Int32' (see --help)" },
        { ["simulate", "--no-such-option"], "simulate: Unrecognized command or argument '--no-such-option' (see --help)" },
        { ["token", "--state", "PA"], "token: Option '--voter' is required (see --help)" },
        { ["vote"], "simulator: Required command was not provided; Unrecognized command or argument 'vote' (see --help)" },
    };

    [Theory]
    [MemberData(nameof(Unparsable))]
    public async Task Arguments_the_parser_refuses_end_with_one_line_and_exit_2_without_the_help(string[] args, string line)
    {
        var (exit, output, error) = await SimulatorProgram.RunAsync(args);

        Assert.Equal(2, exit);
        Assert.Equal("", output); // the help went there before
        Assert.Equal(line, error.Trim());
    }

    [Fact]
    public async Task A_summary_into_a_missing_folder_is_refused_before_the_run()
    {
        var missing = Path.Combine(folder.FullName, "no-such-folder", "summary.json");

        var (exit, output, error) = await SimulatorProgram.RunAsync("simulate", "--summary", missing);

        Assert.Equal(2, exit);
        Assert.Equal("", output);
        Assert.Equal($"simulate: the folder {Path.GetDirectoryName(missing)} of --summary does not exist", error.Trim());
    }

    [Fact]
    public async Task A_summary_at_a_folder_is_refused_before_the_run()
    {
        var taken = Directory.CreateDirectory(Path.Combine(folder.FullName, "summary.json")).FullName;

        var (exit, output, error) = await SimulatorProgram.RunAsync("simulate", "--summary", taken);

        Assert.Equal(2, exit);
        Assert.Equal("", output);
        Assert.Equal($"simulate: --summary {taken} can't be written: it is a folder", error.Trim());
        Assert.Equal([taken], folder.GetFileSystemInfos().Select(f => f.FullName)); // nothing left beside it
    }

    [Fact]
    public async Task A_token_is_minted_for_a_valid_voter_and_state()
    {
        var (exit, output, error) = await SimulatorProgram.RunAsync("token", "--voter", "v1", "--state", "pa", "--minutes", "5");

        Assert.True(exit == 0, error);
        Assert.Equal(3, output.Trim().Split('.').Length); // header.payload.signature
    }

    [Fact]
    public async Task A_lookup_token_is_signed_with_the_lookup_key_for_results_and_is_no_token_to_cast_with()
    {
        var (exit, output, error) = await SimulatorProgram.RunAsync("token", "--voter", "v1", "--state", "PA", "--lookup");

        Assert.True(exit == 0, error);
        var configuration = Voting.ServiceDefaults.VotingConfiguration.Build("Local");
        Voting.Core.Identity.VoterTokenCheck CheckedBy(string section)
        {
            var options = Voting.ServiceDefaults.VoterAuthentication.ReadOptions(configuration, section);
            return Voting.Infrastructure.Identity.VoterTokenKeys.Verifier(options, section).Verify(output.Trim(), DateTimeOffset.UtcNow);
        }

        var lookup = CheckedBy(Voting.Infrastructure.Identity.VoterTokenOptions.LookupSection);
        Assert.True(lookup.IsValid, lookup.Failure.ToString());
        Assert.Equal("v1", lookup.Token!.VoterId);
        Assert.False(CheckedBy(Voting.Infrastructure.Identity.VoterTokenOptions.Section).IsValid);
    }

    [Theory]
    [InlineData("Voting__LookupTokens__SigningKeys__0", "c2hvcnQ=", "token: Voting:LookupTokens:SigningKeys is unusable: Voting:LookupTokens:SigningKeys:0 is 5 bytes; at least 32 are required.")]
    [InlineData("Voting__LookupTokens__LifetimeMinutes", "0", "token: Voting:LookupTokens:LifetimeMinutes is 0; it must be 1–43200 (30 days)")] // the setting, not --minutes
    public async Task An_unusable_lookup_token_setting_is_one_line_naming_it(string variable, string value, string line)
    {
        var (exit, output, error) = await SimulatorProgram.RunAsync(
            new Dictionary<string, string> { [variable] = value }, "token", "--voter", "v1", "--state", "PA", "--lookup");

        Assert.Equal(2, exit);
        Assert.Equal("", output);
        Assert.Equal(line, error.Trim());
    }

    [Fact]
    public async Task An_unusable_signing_key_is_one_line_not_a_crash()
    {
        var (exit, output, error) = await SimulatorProgram.RunAsync(
            new Dictionary<string, string> { ["Voting__VoterTokens__SigningKeys__0"] = "c2hvcnQ=" }, "token", "--voter", "v1", "--state", "PA");

        Assert.Equal(2, exit);
        Assert.Equal("", output);
        Assert.StartsWith("token: Voting:VoterTokens:SigningKeys is unusable: ", error.Trim(), StringComparison.Ordinal);
        Assert.Single(error.Trim().Split('\n'));
    }

    public static TheoryData<string, string, string> UnreadableConfiguration => new()
    {
        { "Voting__VoterTokens__LifetimeMinutes", "sixty", "'Voting:VoterTokens:LifetimeMinutes'" },
        { "Voting__Elections__0__OpensAt", "soon", "'Voting:Elections:0:OpensAt'" },
        { "Voting__Elections__0__ClosesAt", "2000-01-01T00:00:00Z", "ClosesAt must be after OpensAt" },
        { "Voting__Services__Ingest", "not a url", "'Voting:Services:Ingest' is 'not a url', not an absolute http(s) URL" },
    };

    [Theory]
    [MemberData(nameof(UnreadableConfiguration))]
    public async Task A_setting_that_cannot_be_read_is_one_line_not_a_crash(string variable, string value, string named)
    {
        foreach (var args in new[] { new[] { "--help" }, ["token", "--voter", "v1", "--state", "PA"] })
        {
            var (exit, output, error) = await SimulatorProgram.RunAsync(new Dictionary<string, string> { [variable] = value }, args);

            Assert.Equal(2, exit);
            Assert.Equal("", output);
            Assert.StartsWith("simulator: configuration (Local): ", error, StringComparison.Ordinal);
            Assert.Contains(named, error, StringComparison.Ordinal);
            Assert.Single(error.Trim().Split('\n'));
        }
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task A_token_file_is_readable_by_its_owner_only_and_a_link_is_not_replaced()
    {
        var written = Path.Combine(folder.FullName, "tokens.txt");
        var (exit, _, error) = await SimulatorProgram.RunAsync("tokens", "--count", "2", "--out", written);
        Assert.True(exit == 0, error);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(written));
        Assert.False((await File.ReadAllBytesAsync(written)).AsSpan().StartsWith(new byte[] { 0xEF, 0xBB, 0xBF }), "no byte-order mark before the first token");

        var target = Path.Combine(folder.FullName, "elsewhere.txt");
        await File.WriteAllTextAsync(target, "keep me");
        var link = Path.Combine(folder.FullName, "link.txt");
        File.CreateSymbolicLink(link, target);
        var (refused, _, refusal) = await SimulatorProgram.RunAsync("tokens", "--count", "2", "--out", link);
        Assert.Equal(2, refused);
        Assert.Equal($"tokens: {link} is not a regular file; refusing to replace it", refusal.Trim());
        Assert.Equal("keep me", await File.ReadAllTextAsync(target));
        Assert.NotNull(new FileInfo(link).LinkTarget);
    }
}
