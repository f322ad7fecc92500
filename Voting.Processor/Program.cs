using Microsoft.Extensions.Options;
using Voting.Infrastructure.Hosting;
using Voting.Infrastructure.Kafka;
using Voting.Infrastructure.MySql;
using Voting.Infrastructure.Storage;
using Voting.Processor;
using Voting.Processor.Consuming;
using Voting.ServiceDefaults;

// Settings only, or a command first: anything else is refused before the processor joins the
// consumer group and starts writing.
var (command, refusal) = ProcessorCommandLine.Parse(args);
if (command == "help")
{
    Console.WriteLine(ProcessorCommandLine.Usage);
    return 0;
}

if (refusal is not null)
{
    Console.Error.WriteLine($"Voting.Processor: {refusal}; {ProcessorCommandLine.Usage}");
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
if (command == "reconcile")
{
    return await ReconcileCommand.RunAsync(app.Services, args, Console.Out);
}

if (command == "rebuild-tallies")
{
    return await RebuildTalliesCommand.RunAsync(app.Services, args, Console.Out);
}

app.MapDefaultEndpoints();
return await app.RunToExitCodeAsync();
