using Voting.Infrastructure.Hosting;
using Voting.Infrastructure.Identity;
using Voting.Infrastructure.MySql;
using Voting.Infrastructure.Storage;
using Voting.Results;
using Voting.Results.Apis;
using Voting.Results.Caching;
using Voting.Results.Reading;
using Voting.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("Voting.Results");
builder.Services.AddVotingClickHouse().AddVotingRedis().AddVotingMySql().AddVotingElections(computesPseudonyms: true);
builder.Services.AddValidatedOptions<ResultsOptions>(ResultsOptions.Section);
// Lookup tokens only, under keys of their own: this tier holds no key that could mint a token to cast with.
builder.Services.AddVoterAuthentication(builder.Configuration, VoterTokenOptions.LookupSection);
builder.Services.AddLookupRateLimits();
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddSingleton<ResultsMetrics>();
builder.Services.AddSingleton<TallyReader>();
builder.Services.AddSingleton<ResultsCache>();
builder.Services.AddSingleton<ParticipationLookup>();
builder.Services.AddSingleton<MerkleLogReader>();
builder.Services.AddSingleton<CheckpointStore>();
builder.Services.AddHttpClient(ResultsApi.AuditClient, client =>
{
    client.BaseAddress = new Uri((builder.Configuration["Voting:Services:Audit"] ?? "http://127.0.0.1:5104").TrimEnd('/') + "/");
    client.Timeout = TimeSpan.FromSeconds(10); // a proof is one lookup in the audit service's tree
});
builder.Services.AddOpenApi();
builder.Services.Configure<ProblemDetailsOptions>(options => options.CustomizeProblemDetails = ResultsProblems.Customize);
builder.Services.ConfigureHttpJsonOptions(options => options.SerializerOptions.TypeInfoResolverChain.Insert(0, ResultsJsonContext.Default));

var app = builder.Build();
app.UseMiddleware<ResultsFastPath>();
app.MapDefaultEndpoints();
// Routing placed here explicitly: left implicit, WebApplication runs it first, before the fast path.
app.UseRouting();
app.UseRateLimiter(); // the lookups' limit, before their tokens are checked
app.UseAuthentication();
app.UseAuthorization();
app.MapOpenApi();
app.MapResultsApi();
return await app.RunToExitCodeAsync();
