using System.CommandLine;
using Microsoft.Extensions.Configuration;
using Voting.Infrastructure.Elections;
using Voting.Infrastructure.Identity;
using Voting.ServiceDefaults;
using Voting.Simulator;

var environment = Environment.GetEnvironmentVariable("DOTNET_ENVIRONMENT") ?? "Local";
var configuration = VotingConfiguration.Build(environment);
var tokenOptions = configuration.GetSection(VoterTokenOptions.Section).Get<VoterTokenOptions>() ?? new VoterTokenOptions();
var elections = configuration.GetSection(ElectionOptions.Section).Get<List<ElectionOptions>>() ?? [];

var electionOption = new Option<string?>("--election") { Description = "Election id (default: the first configured election)" };

var voterOption = new Option<string>("--voter") { Description = "Voter id at the authority", Required = true };
var stateOption = new Option<string>("--state") { Description = "USPS code of the voter's state", Required = true };
var minutesOption = new Option<int>("--minutes") { Description = "Lifetime in minutes", DefaultValueFactory = _ => tokenOptions.LifetimeMinutes };
var token = new Command("token", "Mint one voter token as the election authority (needs the signing key from configuration)")
{
    voterOption, stateOption, electionOption, minutesOption,
};
token.SetAction(parse =>
{
    var registry = new ElectionRegistry(elections);
    var election = parse.GetValue(electionOption) ?? registry.All.FirstOrDefault()?.Id;
    if (election is null || registry.Find(election) is null)
    {
        Console.Error.WriteLine($"token: election '{election}' is not configured");
        return 2;
    }

    Console.WriteLine(new VoterTokenIssuer(tokenOptions, TimeProvider.System)
        .Issue(parse.GetValue(voterOption)!, parse.GetValue(stateOption)!.ToUpperInvariant(), election, TimeSpan.FromMinutes(parse.GetValue(minutesOption))));
    return 0;
});

var ingestOption = new Option<Uri>("--ingest")
{
    Description = "Base URL of Voting.Ingest",
    DefaultValueFactory = _ => new Uri(configuration["Voting:Services:Ingest"] ?? "http://127.0.0.1:5101"),
};
var votersOption = new Option<int>("--voters") { Description = "Voters who turn out", DefaultValueFactory = _ => 20_000 };
var rateOption = new Option<double>("--rate") { Description = "Votes per second before the closing spike (3x during the last 15%)", DefaultValueFactory = _ => 200 };
var duplicatesOption = new Option<double>("--duplicates") { Description = "Share of voters who try to vote twice", DefaultValueFactory = _ => 0.02 };
var malformedOption = new Option<double>("--malformed") { Description = "Share of malformed or invalid ballots", DefaultValueFactory = _ => 0.01 };
var secondsOption = new Option<int>("--max-seconds") { Description = "Hard time limit", DefaultValueFactory = _ => 300 };
var concurrencyOption = new Option<int>("--concurrency") { Description = "Requests in flight at most", DefaultValueFactory = _ => 64 };
var resultsOption = new Option<Uri>("--results")
{
    Description = "Base URL of Voting.Results (result readers, receipts)",
    DefaultValueFactory = _ => new Uri(configuration["Voting:Services:Results"] ?? "http://127.0.0.1:5103"),
};
var readersOption = new Option<int>("--readers") { Description = "Result readers polling the national results; 0 for none", DefaultValueFactory = _ => 4 };
var readIntervalOption = new Option<int>("--read-interval-ms") { Description = "Pause between one reader's polls", DefaultValueFactory = _ => 100 };
var probeOption = new Option<double>("--probe-every") { Description = "Seconds between receipts followed until anchored; 0 for none", DefaultValueFactory = _ => 1 };
var settleOption = new Option<int>("--settle-seconds") { Description = "After casting, how long to wait for the last votes to show and followed receipts to anchor", DefaultValueFactory = _ => 120 };
var summaryOption = new Option<FileInfo?>("--summary") { Description = "Also write the run's figures as JSON to this file" };
var simulate = new Command("simulate", "Run a bounded simulated election through the public API (loopback only)")
{
    ingestOption, electionOption, votersOption, rateOption, duplicatesOption, malformedOption, secondsOption, concurrencyOption,
    resultsOption, readersOption, readIntervalOption, probeOption, settleOption, summaryOption,
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

    var registry = new ElectionRegistry(elections);
    var election = registry.Find(parse.GetValue(electionOption) ?? registry.All.FirstOrDefault()?.Id);
    if (election is null)
    {
        Console.Error.WriteLine("simulate: no such election in configuration (Voting:Elections)");
        return 2;
    }

    var settings = new SimulationSettings(
        ingest, election.Id, parse.GetValue(votersOption), parse.GetValue(rateOption), parse.GetValue(duplicatesOption),
        parse.GetValue(malformedOption), parse.GetValue(secondsOption), parse.GetValue(concurrencyOption),
        DateTime.UtcNow.ToString("yyyyMMddHHmmss", System.Globalization.CultureInfo.InvariantCulture),
        results, parse.GetValue(readersOption), TimeSpan.FromMilliseconds(parse.GetValue(readIntervalOption)),
        TimeSpan.FromSeconds(parse.GetValue(probeOption)), parse.GetValue(settleOption));
    if (settings.Voters < 1 || settings.VotesPerSecond <= 0 || settings.Concurrency < 1 || settings.MaxSeconds < 1
        || settings.DuplicateShare is < 0 or > 1 || settings.MalformedShare is < 0 or > 1
        || settings.Readers < 0 || settings.ReadInterval < TimeSpan.Zero || settings.ProbeEvery < TimeSpan.Zero || settings.SettleSeconds < 0)
    {
        Console.Error.WriteLine("simulate: --voters, --rate, --concurrency and --max-seconds must be positive; shares between 0 and 1; --readers, --read-interval-ms, --probe-every and --settle-seconds not negative");
        return 2;
    }

    Console.WriteLine($"simulating election {election.Id}: {settings.Voters} voters at {settings.VotesPerSecond}/s (x3 closing spike) against {ingest}, run {settings.RunId}");
    var simulation = new ElectionSimulation(settings, election, new VoterTokenIssuer(tokenOptions, TimeProvider.System), Console.Out);
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

    Console.WriteLine($"done: {tally.Accepted} votes accepted, {tally.Duplicates} second attempts refused, {tally.Refused} invalid ballots refused, {tally.Failed} failures");
    if (simulation.Summary is { } summary)
    {
        Console.WriteLine(summary.MeasuredLine());
        if (parse.GetValue(summaryOption) is { } file)
        {
            await File.WriteAllTextAsync(file.FullName, System.Text.Json.JsonSerializer.Serialize(summary, SimulationJsonContext.Default.SimulationSummary), cancellationToken);
        }
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
    var registry = new ElectionRegistry(elections);
    var election = registry.Find(parse.GetValue(electionOption) ?? registry.All.FirstOrDefault()?.Id);
    var count = parse.GetValue(countOption);
    if (election is null || count < 1)
    {
        Console.Error.WriteLine("tokens: --count must be positive and the election configured");
        return 2;
    }

    var issuer = new VoterTokenIssuer(tokenOptions, TimeProvider.System);
    var electorate = new Electorate(election, new Random(count));
    var run = Guid.NewGuid().ToString("N")[..8];
    var file = parse.GetValue(outOption)!;
    if (file.Directory is { Exists: false } folder)
    {
        Console.Error.WriteLine($"tokens: the folder {folder.FullName} does not exist");
        return 2;
    }

    // Written beside the target and moved into place when complete: an interrupted run leaves the
    // file as it was, never a shortened one.
    var partial = new FileInfo(file.FullName + ".partial");
    try
    {
        await using (var writer = partial.CreateText())
        {
            for (var i = 0; i < count; i++)
            {
                await writer.WriteLineAsync(issuer.Issue($"bench-{run}-{i}", electorate.DrawState(), election.Id, TimeSpan.FromHours(6)).AsMemory(), cancellationToken);
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

        Console.Error.WriteLine($"tokens: could not write {file.FullName}: {e.Message}");
        return 2;
    }

    Console.WriteLine($"wrote {count} tokens for election {election.Id} to {file.FullName}");
    return 0;
});

var root = new RootCommand("Voting simulator: the election authority's token minting and a simulated electorate") { simulate, token, tokenFile };
return await root.Parse(args).InvokeAsync();
