using System.CommandLine;
using Microsoft.Extensions.Configuration;
using Voting.Infrastructure.Elections;
using Voting.Infrastructure.Identity;
using Voting.ServiceDefaults;
using Voting.Simulator;

var environment = Environment.GetEnvironmentVariable("DOTNET_ENVIRONMENT") ?? "Local";
VoterTokenOptions tokenOptions;
VoterTokenOptions lookupTokenOptions;
ElectionRegistry registry;
Uri defaultIngest, defaultResults;
try
{
    // Read before any command: a setting that can't be read (a word where a number goes, a file that is
    // no JSON) or an election the registry refuses is one line, not a stack trace.
    var configuration = VotingConfiguration.Build(environment);
    tokenOptions = VoterAuthentication.ReadOptions(configuration, VoterTokenOptions.Section);
    lookupTokenOptions = VoterAuthentication.ReadOptions(configuration, VoterTokenOptions.LookupSection);
    registry = new ElectionRegistry(ElectionConfiguration.Read(configuration.GetSection(ElectionOptions.Section)), withPseudonymSecrets: false);
    defaultIngest = ServiceUrl(configuration, "Voting:Services:Ingest", "http://127.0.0.1:5101");
    defaultResults = ServiceUrl(configuration, "Voting:Services:Results", "http://127.0.0.1:5103");
}
catch (Exception e) when (e is InvalidOperationException or FormatException or InvalidDataException or IOException)
{
    Console.Error.WriteLine($"simulator: configuration ({environment}): {OneLine(e)}");
    return 2;
}

const int MaxTokenMinutes = 30 * 24 * 60;
const int MaxRunSeconds = 7 * 24 * 3600;

var electionOption = new Option<string?>("--election") { Description = "Election id (default: the first configured election)" };

var voterOption = new Option<string>("--voter") { Description = "Voter id at the authority", Required = true };
var stateOption = new Option<string>("--state") { Description = "USPS code of the voter's state", Required = true };
var minutesOption = new Option<int>("--minutes")
{
    Description = $"Lifetime in minutes (default: {VoterTokenOptions.Section}:LifetimeMinutes, with --lookup {VoterTokenOptions.LookupSection}:LifetimeMinutes)",
};
var lookupOption = new Option<bool>("--lookup")
{
    Description = $"Mint the voter's token to look up their own vote (GET /api/v1/votes/{{voter_id}} at results; {VoterTokenOptions.LookupSection}), not the one to cast with ({VoterTokenOptions.Section})",
};
var token = new Command("token", "Mint one voter token as the election authority: to cast with, or with --lookup to look up one's own vote (needs that section's signing key from configuration)")
{
    voterOption, stateOption, electionOption, minutesOption, lookupOption,
};
token.SetAction(parse =>
{
    var election = parse.GetValue(electionOption) ?? registry.All.FirstOrDefault()?.Id;
    if (election is null || registry.Find(election) is null)
    {
        Console.Error.WriteLine($"token: election '{election}' is not configured");
        return 2;
    }

    var voter = parse.GetValue(voterOption)!;
    var state = parse.GetValue(stateOption)!.ToUpperInvariant();
    var lookup = parse.GetValue(lookupOption);
    var configuredMinutes = parse.GetResult(minutesOption) is null;
    var minutes = configuredMinutes ? (lookup ? lookupTokenOptions : tokenOptions).LifetimeMinutes : parse.GetValue(minutesOption);
    var problem = string.IsNullOrWhiteSpace(voter) ? "--voter must not be empty"
        : !Voting.Core.Identity.VoterIdRule.IsCanonical(voter) ? $"--voter is not in canonical form ({Voting.Core.Identity.VoterIdRule.Description})"
        : !Voting.Core.Geography.UsStates.TryGet(state, out _) ? $"--state '{state}' is not a US state code"
        : minutes is < 1 or > MaxTokenMinutes
            ? configuredMinutes
                ? $"{(lookup ? VoterTokenOptions.LookupSection : VoterTokenOptions.Section)}:LifetimeMinutes is {minutes}; it must be 1–{MaxTokenMinutes} (30 days)"
                : $"--minutes must be 1–{MaxTokenMinutes} (30 days)"
        : null;
    if (problem is not null || Issuer("token", lookup) is not { } issuer)
    {
        if (problem is not null)
        {
            Console.Error.WriteLine($"token: {problem}");
        }

        return 2;
    }

    Console.WriteLine(issuer.Issue(voter, state, election, TimeSpan.FromMinutes(minutes)));
    return 0;
});

var ingestOption = new Option<Uri>("--ingest")
{
    Description = "Base URL of Voting.Ingest",
    CustomParser = AbsoluteUrl,
    DefaultValueFactory = _ => defaultIngest,
};
var votersOption = new Option<int>("--voters") { Description = "Voters who turn out", DefaultValueFactory = _ => 20_000 };
var rateOption = new Option<double>("--rate") { Description = "Votes per second before the closing spike (3x during the last 15%)", DefaultValueFactory = _ => 200 };
var duplicatesOption = new Option<double>("--duplicates") { Description = "Share of voters who try to vote twice", DefaultValueFactory = _ => 0.02 };
var malformedOption = new Option<double>("--malformed") { Description = "Share of malformed or invalid ballots", DefaultValueFactory = _ => 0.01 };
var secondsOption = new Option<int>("--max-seconds") { Description = "Time limit for casting votes (settling afterwards takes up to --settle-seconds more)", DefaultValueFactory = _ => 300 };
var concurrencyOption = new Option<int>("--concurrency") { Description = "Requests in flight at most", DefaultValueFactory = _ => 64 };
var resultsOption = new Option<Uri>("--results")
{
    Description = "Base URL of Voting.Results (result readers, receipts)",
    CustomParser = AbsoluteUrl,
    DefaultValueFactory = _ => defaultResults,
};
var readersOption = new Option<int>("--readers") { Description = "Result readers polling the national results; 0 for none", DefaultValueFactory = _ => 4 };
var readIntervalOption = new Option<int>("--read-interval-ms") { Description = "Pause between one reader's polls", DefaultValueFactory = _ => 100 };
var probeOption = new Option<double>("--probe-every") { Description = "Seconds between receipts followed until anchored; 0 for none", DefaultValueFactory = _ => 1 };
var settleOption = new Option<int>("--settle-seconds") { Description = "After casting, how long to wait for the last votes to show and followed receipts to anchor", DefaultValueFactory = _ => 120 };
var summaryOption = new Option<FileInfo?>("--summary") { Description = "Also write the run's figures as JSON to this file" };
// For deploy/up.sh: its options are checked before it spends minutes bringing the system up.
var checkArgumentsOption = new Option<bool>("--check-arguments") { Description = "Check the options and exit: 0 when a run could start with them", Hidden = true };
var simulate = new Command("simulate", "Run a bounded simulated election through the public API (loopback only)")
{
    ingestOption, electionOption, votersOption, rateOption, duplicatesOption, malformedOption, secondsOption, concurrencyOption,
    resultsOption, readersOption, readIntervalOption, probeOption, settleOption, summaryOption, checkArgumentsOption,
};
simulate.SetAction(async (parse, cancellationToken) =>
{
    var ingest = parse.GetValue(ingestOption)!;
    var results = parse.GetValue(resultsOption)!;
    if (!ingest.IsLoopback || !results.IsLoopback)
    {
        Console.Error.WriteLine($"simulate: {(ingest.IsLoopback ? results : ingest)} is not a loopback address; the simulator only targets this machine");
        return 2;
    }

    var electionId = parse.GetValue(electionOption) ?? registry.All.FirstOrDefault()?.Id;
    var election = registry.Find(electionId);
    if (election is null)
    {
        Console.Error.WriteLine(electionId is null ? "simulate: no election is configured (Voting:Elections)" : $"simulate: election '{electionId}' is not configured");
        return 2;
    }

    var (voters, rate, duplicates, malformed, maxSeconds, concurrency) = (
        parse.GetValue(votersOption), parse.GetValue(rateOption), parse.GetValue(duplicatesOption), parse.GetValue(malformedOption),
        parse.GetValue(secondsOption), parse.GetValue(concurrencyOption));
    var (readers, readInterval, probeEvery, settle) = (
        parse.GetValue(readersOption), parse.GetValue(readIntervalOption), parse.GetValue(probeOption), parse.GetValue(settleOption));
    var refused = voters < 1 ? "--voters must be positive"
        : !(rate is >= 0.001 and <= 10_000_000) ? "--rate must be 0.001–10,000,000 votes per second"
        : !(duplicates is >= 0 and <= 1) || !(malformed is >= 0 and <= 1) ? "--duplicates and --malformed are shares from 0 to 1"
        : maxSeconds is < 1 or > MaxRunSeconds ? $"--max-seconds must be 1–{MaxRunSeconds} (a week)"
        : concurrency is < 1 or > 100_000 ? "--concurrency must be 1–100,000"
        : readers is < 0 or > 10_000 ? "--readers must be 0–10,000"
        : readInterval is < 0 or > 3_600_000 ? "--read-interval-ms must be 0–3,600,000"
        : !(probeEvery is >= 0 and <= 86_400) ? "--probe-every must be 0–86,400 seconds"
        : settle is < 0 or > 86_400 ? "--settle-seconds must be 0–86,400"
        : null;
    if (refused is not null)
    {
        Console.Error.WriteLine($"simulate: {refused}");
        return 2;
    }

    var summaryFile = parse.GetValue(summaryOption);
    if (summaryFile?.Directory is { Exists: false } summaryFolder)
    {
        Console.Error.WriteLine($"simulate: the folder {summaryFolder.FullName} of --summary does not exist");
        return 2;
    }

    // Found out now, not after the whole run: a summary that can't be written.
    if (summaryFile is not null && SummaryUnwritable(summaryFile) is { } unwritable)
    {
        Console.Error.WriteLine($"simulate: --summary {summaryFile.FullName} can't be written: {unwritable}");
        return 2;
    }

    if (Issuer("simulate") is not { } simulationIssuer)
    {
        return 2;
    }

    if (parse.GetValue(checkArgumentsOption))
    {
        return 0;
    }

    var settings = new SimulationSettings(
        ingest, election.Id, voters, rate, duplicates, malformed, maxSeconds, concurrency,
        // Distinct for runs started in the same second: their voters must never collide (each would be refused as having voted).
        DateTime.UtcNow.ToString("yyyyMMddHHmmss", System.Globalization.CultureInfo.InvariantCulture) + "-" + Guid.NewGuid().ToString("N")[..6],
        results, readers, TimeSpan.FromMilliseconds(readInterval), TimeSpan.FromSeconds(probeEvery), settle);

    Console.WriteLine($"simulating election {election.Id}: {settings.Voters} voters at {settings.VotesPerSecond}/s (x3 closing spike) against {ingest}, run {settings.RunId}");
    var simulation = new ElectionSimulation(settings, election, simulationIssuer, Console.Out);
    SimulationTally tally;
    try
    {
        tally = await simulation.RunAsync(cancellationToken);
    }
    catch (HttpRequestException e)
    {
        Console.Error.WriteLine($"simulate: {e.Message}");
        return 2;
    }
    catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
    {
        Console.Error.WriteLine("simulate: interrupted before the first vote was sent");
        return 130;
    }

    Console.WriteLine($"done: {tally.Accepted} votes accepted, {tally.Duplicates} second attempts refused, {tally.Refused} invalid ballots refused, {tally.Failed} failures"
        + (tally.Wrong > 0 ? $" ({tally.Wrong} wrong answers: a second ballot accepted, a new voter refused as having voted, a well-formed ballot refused or a malformed one accepted)" : ""));
    if (simulation.Summary is { } summary)
    {
        Console.WriteLine(summary.MeasuredLine());
        if (summaryFile is not null)
        {
            // Written beside and moved into place: a reader never finds half a summary.
            var partial = $"{summaryFile.FullName}.{Guid.NewGuid():N}.partial";
            try
            {
                await File.WriteAllTextAsync(partial, System.Text.Json.JsonSerializer.Serialize(summary, SimulationJsonContext.Default.SimulationSummary), CancellationToken.None);
                File.Move(partial, summaryFile.FullName, overwrite: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                try
                {
                    File.Delete(partial);
                }
                catch (Exception cleanup) when (cleanup is IOException or UnauthorizedAccessException)
                {
                    // left beside it; the line below says what went wrong
                }

                Console.Error.WriteLine($"simulate: could not write --summary {summaryFile.FullName}: {e.Message}");
                return 1;
            }
        }
    }

    if (cancellationToken.IsCancellationRequested)
    {
        return 130; // interrupted (Ctrl-C, SIGTERM): the totals above are of a partial run
    }

    if (tally.Accepted == 0)
    {
        Console.Error.WriteLine("simulate: no vote was accepted (is the token signing key the one ingest verifies with, and is ingest at --ingest?)");
        return 1;
    }

    return tally.Failed == 0 ? 0 : 1;
});

var countOption = new Option<int>("--count") { Description = "How many distinct voters", Required = true };
var outOption = new Option<FileInfo>("--out") { Description = "File to write, one token a line", Required = true };
var tokenFile = new Command("tokens", "Mint tokens for many distinct voters spread over the states (for load generators)")
{
    countOption, outOption, electionOption,
};
tokenFile.SetAction(async (parse, cancellationToken) =>
{
    var electionId = parse.GetValue(electionOption) ?? registry.All.FirstOrDefault()?.Id;
    var election = registry.Find(electionId);
    var count = parse.GetValue(countOption);
    if (count < 1 || election is null)
    {
        Console.Error.WriteLine(count < 1 ? "tokens: --count must be positive"
            : electionId is null ? "tokens: no election is configured (Voting:Elections)"
            : $"tokens: election '{electionId}' is not configured");
        return 2;
    }

    if (Issuer("tokens") is not { } issuer)
    {
        return 2;
    }

    var electorate = new Electorate(election, new Random(count));
    var run = Guid.NewGuid().ToString("N")[..8];
    var file = parse.GetValue(outOption)!;
    if (file.Directory is { Exists: false } folder)
    {
        Console.Error.WriteLine($"tokens: the folder {folder.FullName} does not exist");
        return 2;
    }

    if (file.Exists && (file.LinkTarget is not null || file.Attributes.HasFlag(FileAttributes.Device)))
    {
        Console.Error.WriteLine($"tokens: {file.FullName} is not a regular file; refusing to replace it");
        return 2;
    }

    // Written beside the target and moved into place when complete: an interrupted run leaves the
    // file as it was, never a shortened one. Readable by its owner only: the tokens are bearer
    // credentials, valid for hours.
    // A name of its own, created new: a file (or a link) already at that name is never written through.
    var partial = new FileInfo($"{file.FullName}.{Guid.NewGuid():N}.partial");
    var minted = 0;
    try
    {
        var createOwnerOnly = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            createOwnerOnly.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        await using (var writer = new StreamWriter(partial.FullName, new System.Text.UTF8Encoding(false), createOwnerOnly))
        {
            var progress = System.Diagnostics.Stopwatch.StartNew();
            for (minted = 0; minted < count; minted++)
            {
                await writer.WriteLineAsync(issuer.Issue($"bench-{run}-{minted}", electorate.DrawState(), election.Id, TimeSpan.FromHours(6)).AsMemory(), cancellationToken);
                if (progress.ElapsedMilliseconds >= 1_000)
                {
                    // Tens of millions take minutes: a line a second says how far it got.
                    Console.WriteLine($"minted {minted + 1:N0} of {count:N0} tokens");
                    progress.Restart();
                }
            }
        }

        partial.MoveTo(file.FullName, overwrite: true);
    }
    catch (Exception e) when (e is IOException or UnauthorizedAccessException or OperationCanceledException)
    {
        partial.Refresh();
        if (partial.Exists)
        {
            partial.Delete();
        }

        if (e is OperationCanceledException)
        {
            Console.Error.WriteLine($"tokens: interrupted after {minted:N0} of {count:N0} tokens; {file.FullName} left as it was");
            return 130;
        }

        Console.Error.WriteLine($"tokens: could not write {file.FullName}: {e.Message}");
        return 2;
    }

    Console.WriteLine($"wrote {count} tokens for election {election.Id} to {file.FullName}");
    return 0;
});

// Why a summary can't be written at that path (a folder there, or no right to create a file beside it), or null.
static string? SummaryUnwritable(FileInfo summary)
{
    if (Directory.Exists(summary.FullName))
    {
        return "it is a folder";
    }

    var probe = $"{summary.FullName}.{Guid.NewGuid():N}.partial";
    try
    {
        using (File.Open(probe, FileMode.CreateNew, FileAccess.Write))
        {
        }

        File.Delete(probe);
        return null;
    }
    catch (Exception e) when (e is IOException or UnauthorizedAccessException)
    {
        return e.Message;
    }
}

// The authority's signer (of lookup tokens when asked), or null after one line saying why the signing key setting is unusable.
VoterTokenIssuer? Issuer(string command, bool lookup = false)
{
    var section = lookup ? VoterTokenOptions.LookupSection : VoterTokenOptions.Section;
    try
    {
        return new VoterTokenIssuer(lookup ? lookupTokenOptions : tokenOptions, TimeProvider.System, section);
    }
    catch (Exception e) when (e is InvalidOperationException or ArgumentException or FormatException or ArgumentOutOfRangeException)
    {
        Console.Error.WriteLine($"{command}: {section}:SigningKeys is unusable: {e.Message}");
        return null;
    }
}

static Uri? AbsoluteUrl(System.CommandLine.Parsing.ArgumentResult result)
{
    var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : "";
    if (Uri.TryCreate(text, UriKind.Absolute, out var url) && url.Scheme is "http" or "https")
    {
        return url;
    }

    result.AddError($"'{text}' is not an absolute http(s) URL");
    return null;
}

var root = new RootCommand("Voting simulator: the election authority's token minting and a simulated electorate") { simulate, token, tokenFile };
var parsed = root.Parse(args);
if (parsed.Action is System.CommandLine.Invocation.ParseErrorAction)
{
    // One line and exit 2, as for every other bad argument; the help is one --help away.
    var command = parsed.CommandResult.Command is RootCommand ? "simulator" : parsed.CommandResult.Command.Name;
    Console.Error.WriteLine($"{command}: {string.Join("; ", parsed.Errors.Select(e => e.Message.TrimEnd('.')))} (see --help)");
    return 2;
}

// Ctrl-C leaves the run time to report what it did (the default gives an action 2 s, then exits).
return await parsed.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = TimeSpan.FromSeconds(60) });

// An exception and its causes as one line ("Failed to convert … to Int32: sixty is not a valid value for Int32.").
static string OneLine(Exception e)
{
    var parts = new List<string>();
    for (Exception? cause = e; cause is not null; cause = cause.InnerException)
    {
        parts.Add(cause.Message.ReplaceLineEndings(" ").Trim());
    }

    return string.Join(": ", parts.Distinct());
}

// A service's base URL from configuration, else the local stack's.
static Uri ServiceUrl(IConfiguration configuration, string key, string fallback) =>
    Uri.TryCreate(configuration[key] ?? fallback, UriKind.Absolute, out var url) && url.Scheme is "http" or "https"
        ? url
        : throw new InvalidOperationException($"'{key}' is '{configuration[key]}', not an absolute http(s) URL");
