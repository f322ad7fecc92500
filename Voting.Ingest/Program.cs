using Voting.Ingest;
using Voting.Ingest.Apis;
using Voting.Ingest.Security;
using Voting.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("Voting.Ingest");
builder.Services.AddIngest();
builder.Services.AddVoterAuthentication(builder.Configuration);
builder.Services.AddIngestRateLimits();
builder.Services.AddOpenApi();
builder.Services.Configure<ProblemDetailsOptions>(options => options.CustomizeProblemDetails = VoteProblems.Customize);

var app = builder.Build();
app.MapDefaultEndpoints();
app.UseAuthentication();
app.UseRateLimiter();
app.UseAuthorization();
app.MapOpenApi();
app.MapVoteApi();
app.Run();
