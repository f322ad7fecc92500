using System.Net;
using System.Net.Http.Json;
using Voting.ServiceDefaults;

namespace Voting.TestSupport;

/// <summary>Waits for a service host to report ready against the real stack, and says why not if it doesn't.</summary>
public static class ServiceReadiness
{
    public static async Task<HealthReportDto> WaitUntilReadyAsync(HttpClient client, TimeSpan patience)
    {
        var deadline = DateTime.UtcNow + patience;
        var last = "no answer";
        while (DateTime.UtcNow < deadline)
        {
            using var response = await client.GetAsync(new Uri("/health/ready", UriKind.Relative));
            var report = await response.Content.ReadFromJsonAsync<HealthReportDto>();
            if (response.StatusCode == HttpStatusCode.OK && report is not null)
            {
                return report;
            }

            last = $"{(int)response.StatusCode}: " + string.Join("; ", report?.Checks.Select(c => $"{c.Key}={c.Value.Status} ({c.Value.Description})") ?? []);
            await Task.Delay(250);
        }

        throw new TimeoutException($"service not ready within {patience.TotalSeconds} s; last /health/ready: {last}");
    }
}
