using Microsoft.Extensions.Options;
using Voting.Infrastructure.Hosting;
using Voting.Infrastructure.Kafka;
using Voting.Infrastructure.MySql;
using Voting.Infrastructure.Storage;
using Voting.Processor;
using Voting.Processor.Consuming;
using Voting.ServiceDefaults;

// A first word that is no command and no --setting would start the processor, which joins the
// consumer group: refuse it, and say what there is.
if (args is [var first, ..] && first is not ("reconcile" or "rebuild-tallies") && (!first.StartsWith("--", StringComparison.Ordinal) || first == "--help"))
{
    var usage = "usage: Voting.Processor [--setting value …] | reconcile ELECTION_ID | rebuild-tallies ELECTION_ID";
    if (first is "--help" or "-h")
    {
        Console.WriteLine(usage);
        return 0;
    }

    Console.Error.WriteLine($"Voting.Processor: unknown command '{first}'; {usage}");
    return 2;
}

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("Voting.Processor");
builder.Services.AddVotingKafka().AddVotingMySql().AddVotingClickHouse();
builder.Services.AddValidatedOptions<ProcessorOptions>(ProcessorOptions.Section);
builder.Services.AddSingleton<IValidateOptions<ProcessorOptions>, ProcessorOptionsValidation>();
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddSingleton<BallotStore>();
builder.Services.AddSingleton<TallyOutbox>();
builder.Services.AddSingleton<PerBatchTalliesCarryOver>();
builder.Services.AddSingleton<TallyReconciliation>();
builder.Services.AddSingleton<TallyRebuild>();
builder.Services.AddSingleton<MerkleLogAppender>();
builder.Services.AddSingleton<BatchRecorder>();
builder.Services.AddSingleton<TallyShipper>();
builder.Services.AddHostedService(services => services.GetRequiredService<TallyShipper>());
builder.Services.AddSingleton<DeadLetterProducer>();
builder.Services.AddSingleton<ProcessorMetrics>();
builder.Services.AddHostedService<VoteBatchConsumer>();

var app = builder.Build();
if (args is ["reconcile", ..])
{
    return await ReconcileCommand.RunAsync(app.Services, args, Console.Out);
}

if (args is ["rebuild-tallies", ..])
{
    return await RebuildTalliesCommand.RunAsync(app.Services, args, Console.Out);
}

app.MapDefaultEndpoints();
return await app.RunToExitCodeAsync();
