using MudBlazor.Services;
using Voting.Console.Blazor.Components;
using Voting.Console.Blazor.Status;
using Voting.Infrastructure.Hosting;
using Voting.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("Voting.Console.Blazor");
builder.Services.AddRazorComponents().AddInteractiveServerComponents();
builder.Services.AddMudServices();
builder.Services.AddValidatedOptions<ServiceEndpointsOptions>(ServiceEndpointsOptions.Section);
builder.Services.AddHttpClient(nameof(SystemStatusPoller), client => client.Timeout = TimeSpan.FromSeconds(3));
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddSingleton<SystemStatusBoard>();
builder.Services.AddHostedService<SystemStatusPoller>();

var app = builder.Build();
app.MapDefaultEndpoints();
app.UseAntiforgery();
app.MapStaticAssets();
app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
app.Run();
