using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.Options;
using MudBlazor.Services;
using Voting.Console.Blazor;
using Voting.Console.Blazor.Access;
using Voting.Console.Blazor.Anchors;
using Voting.Console.Blazor.Components;
using Voting.Console.Blazor.DeadLetters;
using Voting.Console.Blazor.Live;
using Voting.Console.Blazor.Pipeline;
using Voting.Console.Blazor.Proofs;
using Voting.Console.Blazor.Shards;
using Voting.Console.Blazor.Status;
using Voting.Console.Blazor.Tallies;
using Voting.Core.Audit;
using Voting.Infrastructure.ClickHouse;
using Voting.Infrastructure.Hosting;
using Voting.Infrastructure.Kafka;
using Voting.Infrastructure.MySql;
using Voting.ServiceDefaults;

if (args.FirstOrDefault() == PasswordHashCommand.Name)
{
    return PasswordHashCommand.Run(args[1..], Console.In, Console.Out, Console.Error, interactive: !Console.IsInputRedirected);
}

var builder = WebApplication.CreateBuilder(args);

// Serve MudBlazor's and the framework's files from the build output in every environment (the
// local profile is "Local", not "Development"); a published app has them in wwwroot and no manifest.
builder.WebHost.UseStaticWebAssets();
builder.AddServiceDefaults("Voting.Console.Blazor");
builder.Services.AddRazorComponents().AddInteractiveServerComponents();
builder.Services.AddMudServices();
builder.Services.AddSingleton(TimeProvider.System);

// Sign-in with roles: a cookie from a form post; pages name their roles.
builder.Services.AddValidatedOptions<ConsoleAccessOptions>(ConsoleAccessOptions.Section);
builder.Services.AddSingleton<ConsoleUserDirectory>();
builder.Services.AddSingleton<ISignInAddressStore, RedisSignInAddressStore>();
builder.Services.AddSingleton<SignInThrottle>();
builder.Services.AddSingleton<ConsoleSessions>();
builder.Services.AddSingleton<ConsoleSessionCookieEvents>();
builder.Services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme).AddCookie();
builder.Services.AddOptions<CookieAuthenticationOptions>(CookieAuthenticationDefaults.AuthenticationScheme)
    .Configure<IOptions<ConsoleAccessOptions>>((cookie, access) => ConsoleCookies.ConfigureSession(cookie, access.Value));
builder.Services.AddAuthorization();
builder.Services.AddCascadingAuthenticationState();
builder.Services.AddScoped<AuthenticationStateProvider, ConsoleSessionRevalidation>();

// What the pages show: each source is read in the background and pushed to every open page.
builder.Services.AddValidatedOptions<ConsoleOptions>(ConsoleOptions.Section);
builder.Services.AddSingleton<IValidateOptions<ConsoleOptions>, ConsoleOptionsValidation>();
builder.Services.AddValidatedOptions<ServiceEndpointsOptions>(ServiceEndpointsOptions.Section);
builder.Services.AddValidatedOptions<KafkaOptions>(KafkaOptions.Section);
builder.Services.AddValidatedOptions<MySqlShardOptions>(MySqlShardOptions.Section);
builder.Services.AddValidatedOptions<ClickHouseOptions>(ClickHouseOptions.Section);
builder.Services.AddValidatedOptions<ChainReadOptions>(ChainReadOptions.Section);
builder.Services.AddVotingRedis().AddVotingElections(computesPseudonyms: false);
builder.Services.AddSingleton<MySqlShardConnections>();
builder.Services.AddSingleton<ClickHouseTallyStore>();
builder.Services.AddSingleton<KafkaPositions>();
builder.Services.AddSingleton<DeadLetterQueue>();
builder.Services.AddHttpClient(AuditClient.HttpClientName, (sp, client) =>
{
    client.BaseAddress = new Uri(sp.GetRequiredService<IOptions<ServiceEndpointsOptions>>().Value.Audit.TrimEnd('/') + "/");
    client.Timeout = TimeSpan.FromMinutes(5); // an audit of a large election takes a while
});
builder.Services.AddSingleton<AuditClient>();
builder.Services.AddSingleton<ReceiptChecker>(sp => new(sp.GetRequiredService<AuditClient>(), sp.GetRequiredService<IOptions<ChainReadOptions>>().Value));
builder.Services.AddLiveBoard<TallySnapshot, TallySource>();
builder.Services.AddLiveBoard<PipelineSnapshot, PipelineSource>();
builder.Services.AddLiveBoard<ShardSnapshot, ShardSource>();
builder.Services.AddLiveBoard<CheckpointList, AnchorSource>();
builder.Services.AddHttpClient(SystemStatusSource.HttpClientName, client => client.Timeout = TimeSpan.FromSeconds(3));
builder.Services.AddLiveBoard<IReadOnlyList<ServiceStatus>, SystemStatusSource>();

var app = builder.Build();
app.MapDefaultEndpoints();
app.UseAuthentication();
app.UseAuthorization();
app.UseAntiforgery();
app.MapStaticAssets();
app.MapAccountEndpoints();
app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
return await app.RunToExitCodeAsync();
