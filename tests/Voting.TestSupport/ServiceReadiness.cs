using System.Net;
using System.Net.Http.Json;
using Voting.ServiceDefaults;

namespace Voting.TestSupport;

/// <summary>Waits for a service host to report ready against the real stack, and says why not if it doesn't.</summary>
public static class ServiceReadiness
{
    /// <summary>Until ready (200, healthy or degraded).</summary>
    public static Task<HealthReportDto> WaitUntilReadyAsync(HttpClient client, TimeSpan patience) => WaitAsync(client, patience, "Degraded");

    /// <summary>Until every readiness check is healthy (a degraded one, e.g. a filter still being built, is waited out).</summary>
    public static Task<HealthReportDto> WaitUntilHealthyAsync(HttpClient client, TimeSpan patience) => WaitAsync(client, patience, "Healthy");

    private static async Task<HealthReportDto> WaitAsync(HttpClient client, TimeSpan patience, string worstAccepted)
    {
        var deadline = DateTime.UtcNow + patience;
        var last = "no answer";
        while (DateTime.UtcNow < deadline)
        {
            using var response = await client.GetAsync(new Uri("/health/ready", UriKind.Relative));
            var report = await response.Content.ReadFromJsonAsync<HealthReportDto>();
            if (response.StatusCode == HttpStatusCode.OK && report is not null && (report.Status == "Healthy" || report.Status == worstAccepted))
            {
                return report;
            }

            last = $"{(int)response.StatusCode}: " + string.Join("; ", report?.Checks.Select(c => $"{c.Key}={c.Value.Status} ({c.Value.Description})") ?? []);
            await Task.Delay(250);
        }

        throw new TimeoutException($"service not ready within {patience.TotalSeconds} s; last /health/ready: {last}");
    }
}
