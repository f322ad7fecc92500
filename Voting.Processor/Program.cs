using Voting.Infrastructure.Hosting;
using Voting.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("Voting.Processor");
builder.Services.AddVotingKafka().AddVotingMySql().AddVotingClickHouse();

var app = builder.Build();
app.MapDefaultEndpoints();
app.Run();
