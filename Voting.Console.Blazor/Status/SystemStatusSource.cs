using Microsoft.Extensions.Options;
using Voting.Console.Blazor.Live;
using Voting.ServiceDefaults;

namespace Voting.Console.Blazor.Status;

/// <summary>Probes every service's <c>/health/ready</c> every two seconds.</summary>
public sealed class SystemStatusSource(IHttpClientFactory httpClients, IOptions<ServiceEndpointsOptions> endpoints, TimeProvider clock)
    : IBoardSource<IReadOnlyList<ServiceStatus>>
{
    public const string HttpClientName = "system-status";

    public TimeSpan Interval => TimeSpan.FromSeconds(2);

    public async Task<IReadOnlyList<ServiceStatus>> ReadAsync(CancellationToken cancellationToken) =>
        await Task.WhenAll(endpoints.Value.All().Select(service => ProbeAsync(service.Name, service.BaseUrl, cancellationToken)));

    private async Task<ServiceStatus> ProbeAsync(string name, string baseUrl, CancellationToken cancellationToken)
    {
        var client = httpClients.CreateClient(HttpClientName);
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
