using Microsoft.Extensions.Options;
using Voting.Infrastructure.Hosting;
using Voting.Infrastructure.Kafka;
using Voting.Infrastructure.MySql;
using Voting.Infrastructure.Storage;
using Voting.Processor;
using Voting.Processor.Consuming;
using Voting.ServiceDefaults;

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
app.Run();
return 0;
