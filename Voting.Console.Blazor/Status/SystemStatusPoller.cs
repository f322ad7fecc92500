using Microsoft.Extensions.Options;
using Voting.ServiceDefaults;

namespace Voting.Console.Blazor.Status;

/// <summary>Probes every service's <c>/health/ready</c> every two seconds and publishes the result.</summary>
public sealed class SystemStatusPoller(
    IHttpClientFactory httpClients,
    IOptions<ServiceEndpointsOptions> endpoints,
    SystemStatusBoard board,
    TimeProvider clock) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, clock);
        do
        {
            var probes = endpoints.Value.All().Select(service => ProbeAsync(service.Name, service.BaseUrl, stoppingToken));
            board.Publish(await Task.WhenAll(probes));
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private async Task<ServiceStatus> ProbeAsync(string name, string baseUrl, CancellationToken cancellationToken)
    {
        var client = httpClients.CreateClient(nameof(SystemStatusPoller));
        try
        {
            // /health/ready answers 503 with the same JSON body when something is down.
            using var response = await client.GetAsync(new Uri(new Uri(baseUrl), "/health/ready"), cancellationToken);
            var report = await response.Content.ReadFromJsonAsync<HealthReportDto>(cancellationToken);
            return new ServiceStatus(name, baseUrl, report?.Status ?? "Unhealthy",
                report?.Checks ?? [], clock.GetUtcNow());
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException)
        {
            return new ServiceStatus(name, baseUrl, "Unreachable",
                new Dictionary<string, HealthEntryDto> { ["http"] = new("Unreachable", e.Message) }, clock.GetUtcNow());
        }
    }
}
