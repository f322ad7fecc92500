using Voting.Ingest;
using Voting.Ingest.Apis;
using Voting.Ingest.Casting;
using Voting.Ingest.Security;
using Voting.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("Voting.Ingest");
builder.Services.AddIngest();
builder.Services.AddVoterAuthentication(builder.Configuration);
builder.Services.AddIngestRateLimits();
builder.Services.AddOpenApi(options =>
{
    options.AddOperationTransformer<VoteApiDocument>();
    options.AddSchemaTransformer<VoteApiDocument>();
});
builder.Services.ConfigureHttpJsonOptions(options => options.SerializerOptions.TypeInfoResolverChain.Insert(0, IngestJsonContext.Default));
builder.Services.Configure<ProblemDetailsOptions>(options => options.CustomizeProblemDetails = VoteProblems.Customize);

var app = builder.Build();
// Build the write path's singletons (Redis multiplexer, Kafka producer, filter) before the first
// request: built lazily, hundreds of requests arriving at once would queue behind their construction.
app.Services.GetRequiredService<VoteCaster>();
app.MapDefaultEndpoints();
// The per-client limit first: it needs only the client's address, and a flood of bad tokens must be
// refused before each is checked.
app.UseRateLimiter();
app.UseAuthentication();
app.UseAuthorization();
app.MapOpenApi();
app.MapVoteApi();
return await app.RunToExitCodeAsync();
