using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Voting.Core.Audit;

namespace Voting.Console.Blazor.Anchors;

/// <summary>The console's client of the audit service: checkpoints, audits, inclusion proofs.</summary>
public sealed class AuditClient(IHttpClientFactory httpClients)
{
    public const string HttpClientName = "audit";

    public Task<CheckpointList> CheckpointsAsync(string electionId, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Get, $"api/v1/audit/elections/{Uri.EscapeDataString(electionId)}/checkpoints", AuditJsonContext.Default.CheckpointList, cancellationToken);

    public Task<AuditReport> RunAuditAsync(string electionId, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Post, $"api/v1/audit/elections/{Uri.EscapeDataString(electionId)}/audits", AuditJsonContext.Default.AuditReport, cancellationToken);

    /// <summary>
    /// Runs an audit and returns its report. An audit of a large election can outlast the HTTP
    /// client's timeout; the audit service finishes it anyway (and joins any later request to it).
    /// Then <paramref name="stillRunning"/> is called and the latest report is polled every
    /// <paramref name="pollInterval"/> until one newer than the latest before the request appears (the
    /// asked-for audit, or one already running that the request joined): never a report that was
    /// already there when asked. Reports are compared by the audit service's own times, never against
    /// the console's clock, which may differ from it.
    /// </summary>
    public async Task<AuditReport> RunAuditToTheEndAsync(
        string electionId, Action stillRunning, TimeSpan pollInterval, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stillRunning);
        var before = await LatestAuditAsync(electionId, cancellationToken);
        try
        {
            return await RunAuditAsync(electionId, cancellationToken);
        }
        catch (AuditServiceException e) when (e.TimedOut)
        {
            stillRunning();
        }

        while (true)
        {
            await Task.Delay(pollInterval, cancellationToken);
            try
            {
                if (await LatestAuditAsync(electionId, cancellationToken) is { } latest && (before is null || latest.FinishedAt > before.FinishedAt))
                {
                    return latest;
                }
            }
            catch (AuditServiceException e) when (e.TimedOut)
            {
                // The service is busy; ask again at the next interval.
            }
        }
    }

    /// <summary>The latest audit report, or null when none has run yet.</summary>
    public async Task<AuditReport?> LatestAuditAsync(string electionId, CancellationToken cancellationToken)
    {
        try
        {
            return await SendAsync(HttpMethod.Get, $"api/v1/audit/elections/{Uri.EscapeDataString(electionId)}/audits/latest", AuditJsonContext.Default.AuditReport, cancellationToken);
        }
        catch (AuditServiceException e) when (e.Status == 404)
        {
            return null;
        }
    }

    public Task<InclusionProofDocument> InclusionProofAsync(string receipt, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Get, $"api/v1/audit/receipts/{Uri.EscapeDataString(receipt)}/proof", AuditJsonContext.Default.InclusionProofDocument, cancellationToken);

    private async Task<T> SendAsync<T>(HttpMethod method, string path, JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        var http = httpClients.CreateClient(HttpClientName);
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, cancellationToken);
        }
        catch (HttpRequestException e)
        {
            throw new AuditServiceException($"The audit service at {http.BaseAddress} can't be reached: {e.Message}", e);
        }
        catch (TaskCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new AuditServiceException($"The audit service at {http.BaseAddress} did not answer {method} {path} within {http.Timeout.TotalSeconds:0.#} s.", e) { TimedOut = true };
        }

        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                throw new AuditServiceException(await ProblemTextAsync(response, cancellationToken)) { Status = (int)response.StatusCode };
            }

            return await response.Content.ReadFromJsonAsync(type, cancellationToken)
                ?? throw new AuditServiceException($"The audit service answered {path} with an empty body.");
        }
    }

    /// <summary>"Title: detail" of a problem-details answer, else the status line.</summary>
    private static async Task<string> ProblemTextAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
            var title = problem.RootElement.TryGetProperty("title", out var t) ? t.GetString() : null;
            var detail = problem.RootElement.TryGetProperty("detail", out var d) ? d.GetString() : null;
            return string.Join(" ", new[] { title, detail }.Where(s => !string.IsNullOrEmpty(s)));
        }
        catch (JsonException)
        {
            return $"The audit service answered {(int)response.StatusCode} {response.ReasonPhrase}.";
        }
    }
}
