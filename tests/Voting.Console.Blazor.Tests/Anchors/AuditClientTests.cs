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

    // Asked for after Before finished (20:20), before After started.
    private static readonly DateTime Clicked = new(2028, 11, 7, 20, 30, 0, DateTimeKind.Utc);

    [Fact]
    public async Task An_audit_that_outlasts_the_timeout_is_waited_for_until_its_report_is_the_latest()
    {
        var service = new SlowAuditService([Before, Before, After]);
        var client = Client(service);
        var told = 0;

        var report = await client.RunAuditToTheEndAsync("us-2028", Clicked, () => told++, TimeSpan.FromMilliseconds(50), CancellationToken.None);

        Assert.Equal(After.StartedAt, report.StartedAt);
        Assert.Equal(1, told);
        Assert.Equal(1, service.Posts);
        Assert.Equal(3, service.LatestReads);
    }

    [Fact]
    public async Task A_scheduled_audit_that_finished_before_the_click_is_not_taken_for_the_one_asked_for()
    {
        // A scheduled audit started at 20:05 and finished at 20:25, before the click, became the latest meanwhile.
        var scheduled = Report(new DateTime(2028, 11, 7, 20, 5, 0, DateTimeKind.Utc));
        var client = Client(new SlowAuditService([scheduled, scheduled, After]));

        var report = await client.RunAuditToTheEndAsync("us-2028", Clicked, () => { }, TimeSpan.FromMilliseconds(50), CancellationToken.None);

        Assert.Equal(After.StartedAt, report.StartedAt);
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

        var waiting = client.RunAuditToTheEndAsync("us-2028", Clicked, closed.Cancel, TimeSpan.FromMilliseconds(50), closed.Token);

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

    /// <summary>Never answers a POST in time; answers each read of the latest report with the next of <paramref name="latest"/>.</summary>
    private sealed class SlowAuditService(AuditReport[] latest) : HttpMessageHandler
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

            var report = latest[Math.Min(LatestReads++, latest.Length - 1)];
            return new HttpResponseMessage(HttpStatusCode.OK)
            {
                Content = new StringContent(JsonSerializer.Serialize(report, AuditJsonContext.Default.AuditReport), System.Text.Encoding.UTF8, "application/json"),
            };
        }
    }
}
