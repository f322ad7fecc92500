using Voting.Infrastructure.Hosting;
using Voting.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("Voting.Audit");
builder.Services.AddVotingMySql().AddVotingClickHouse().AddVotingChain();

var app = builder.Build();
app.MapDefaultEndpoints();
app.Run();
