using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using Voting.ServiceDefaults;

namespace Voting.Results.Tests;

public sealed class TracedPathTests(TracedResultsFactory factory) : IClassFixture<TracedResultsFactory>
{
    [Fact]
    public async Task Traces_name_a_voters_status_request_by_its_route_never_by_the_voter_id()
    {
        var voterId = "voter-" + Guid.NewGuid().ToString("N");

        // The listener hears every ASP.NET Core request in this process, other test classes' too, so
        // this test's requests carry a trace of their own and only that trace's activities are kept.
        var traceId = ActivityTraceId.CreateRandom();
        var traceParent = $"00-{traceId.ToHexString()}-{ActivitySpanId.CreateRandom().ToHexString()}-01";
        var stopped = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "Microsoft.AspNetCore",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if (activity.TraceId == traceId)
                {
                    stopped.Enqueue(activity);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);

        using var client = await factory.StartAsync();
        using (var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/votes/{voterId}"))
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", factory.Tokens.Issue(voterId, "PA", factory.Elections[0]));
            request.Headers.Add("traceparent", traceParent);
            using var response = await client.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        using (var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/no-such-thing/{voterId}"))
        {
            request.Headers.Add("traceparent", traceParent);
            using var unrouted = await client.SendAsync(request);
            Assert.Equal(HttpStatusCode.NotFound, unrouted.StatusCode);
        }

        // Each request's activity is stopped just after its answer is sent.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (stopped.Count(a => a.GetTagItem(TracedPath.Tag) is not null) < 2 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        Assert.Equal(2, stopped.Count);
        var traced = stopped.Select(a => (string?)a.GetTagItem(TracedPath.Tag)).ToList();
        Assert.Contains("/api/v1/votes/{voterId}", traced);
        Assert.Contains(TracedPath.Unmatched, traced);
        Assert.DoesNotContain(stopped, a => a.TagObjects.Any(t => t.Value?.ToString()?.Contains(voterId, StringComparison.Ordinal) == true)
                                          || a.DisplayName.Contains(voterId, StringComparison.Ordinal));
    }
}
