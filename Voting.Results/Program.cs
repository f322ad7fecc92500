using Voting.Infrastructure.Hosting;
using Voting.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("Voting.Results");
builder.Services.AddVotingClickHouse().AddVotingRedis().AddVotingMySql();

var app = builder.Build();
app.MapDefaultEndpoints();
app.Run();
