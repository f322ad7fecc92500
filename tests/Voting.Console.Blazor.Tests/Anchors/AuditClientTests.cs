using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Voting.Console.Blazor.Anchors;
using Voting.Core.Audit;

namespace Voting.Console.Blazor.Tests.Anchors;

/// <summary>
/// The console's audit client when an audit outlasts its HTTP timeout (a national election's audit
/// reads every row): the audit service finishes it anyway, so the console says so and waits for the
/// report instead of failing. The audit service here is a stand-in that only answers slowly; the
/// real one is exercised by the end-to-end tests.
/// </summary>
public sealed class AuditClientTests
{
    private static readonly AuditReport Before = Report(new DateTime(2028, 11, 7, 20, 0, 0, DateTimeKind.Utc));
    private static readonly AuditReport After = Report(new DateTime(2028, 11, 7, 21, 0, 0, DateTimeKind.Utc));

    [Fact]
    public async Task An_audit_that_outlasts_the_timeout_is_waited_for_until_its_report_is_the_latest()
    {
        // The first read is the latest report before the request; the audit asked for replaces it later.
        var service = new SlowAuditService([Before, Before, Before, After]);
        var client = Client(service);
        var told = 0;

        var report = await client.RunAuditToTheEndAsync("us-2028", () => told++, TimeSpan.FromMilliseconds(50), CancellationToken.None);

        Assert.Equal(After.StartedAt, report.StartedAt);
        Assert.Equal(1, told);
        Assert.Equal(1, service.Posts);
        Assert.Equal(4, service.LatestReads);
    }

    [Fact]
    public async Task The_first_audit_of_an_election_is_waited_for_when_none_had_run_before()
    {
        var service = new SlowAuditService([null, null, After]);
        var client = Client(service);

        var report = await client.RunAuditToTheEndAsync("us-2028", () => { }, TimeSpan.FromMilliseconds(50), CancellationToken.None);

        Assert.Equal(After.StartedAt, report.StartedAt);
        Assert.Equal(3, service.LatestReads);
    }

    [Fact]
    public async Task Reports_are_told_apart_by_the_audit_services_clock_alone()
    {
        // The audit service's clock is a year behind the console's (or any other): its reports all look
        // old to the console, and the one asked for is still found as the one newer than before.
        var behind = Report(new DateTime(2027, 11, 7, 20, 0, 0, DateTimeKind.Utc));
        var asked = Report(new DateTime(2027, 11, 7, 21, 0, 0, DateTimeKind.Utc));
        var client = Client(new SlowAuditService([behind, behind, asked]));

        var report = await client.RunAuditToTheEndAsync("us-2028", () => { }, TimeSpan.FromMilliseconds(50), CancellationToken.None);

        Assert.Equal(asked.StartedAt, report.StartedAt);
    }

    [Fact]
    public async Task A_request_with_no_answer_in_time_says_so()
    {
        var client = Client(new SlowAuditService([]));

        var e = await Assert.ThrowsAsync<AuditServiceException>(() => client.RunAuditAsync("us-2028", CancellationToken.None));

        Assert.True(e.TimedOut);
        Assert.Equal("The audit service at http://audit.test/ did not answer POST api/v1/audit/elections/us-2028/audits within 1 s.", e.Message);
    }

    [Fact]
    public async Task Waiting_stops_when_the_page_goes_away()
    {
        var client = Client(new SlowAuditService([Before, Before, Before, Before, Before, Before, Before, Before, Before, Before]));
        using var closed = new CancellationTokenSource();

        var waiting = client.RunAuditToTheEndAsync("us-2028", closed.Cancel, TimeSpan.FromMilliseconds(50), closed.Token);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
    }

    private static AuditClient Client(SlowAuditService service)
    {
        var services = new ServiceCollection();
        services.AddHttpClient(AuditClient.HttpClientName, client =>
        {
            client.BaseAddress = new Uri("http://audit.test/");
            // Long enough that an instant answer never times out on a loaded machine (a read lost to the
            // timeout would be read again), short enough for the POST that never answers.
            client.Timeout = TimeSpan.FromSeconds(1);
        }).ConfigurePrimaryHttpMessageHandler(() => service);
        return new AuditClient(services.BuildServiceProvider().GetRequiredService<IHttpClientFactory>());
    }

    private static AuditReport Report(DateTime started) => new("us-2028", started, started.AddMinutes(20), 150_000_000, 150_000_000, 1_000, []);

    /// <summary>
    /// Never answers a POST in time; answers each read of the latest report with the next of
    /// <paramref name="latest"/> (null: none has run yet, 404).
    /// </summary>
    private sealed class SlowAuditService(AuditReport?[] latest) : HttpMessageHandler
    {
        public int Posts { get; private set; }

        public int LatestReads { get; private set; }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.Method == HttpMethod.Post)
            {
                Posts++;
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }

            if (latest[Math.Min(LatestReads++, latest.Length - 1)] is not { } report)
            {
                return new HttpResponseMessage(HttpStatusCode.NotFound)
                {
                    Content = new StringContent("""{"title":"No audit has run since the service started."}""", System.Text.Encoding.UTF8, "application/problem+json"),
                };
            }

            return new HttpResponseMessage(HttpStatusCode.OK)
            {
                Content = new StringContent(JsonSerializer.Serialize(report, AuditJsonContext.Default.AuditReport), System.Text.Encoding.UTF8, "application/json"),
            };
        }
    }
}
