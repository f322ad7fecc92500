using System.Net;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace Voting.Ingest.Tests;

/// <summary>
/// Behind a load balancer every request comes from the balancer's address: the per-client limit must
/// count the client it names in <c>X-Forwarded-For</c>, believing the header only from a configured
/// proxy, and only the part that proxy wrote.
/// </summary>
public sealed class TrustedProxyTests
{
    private static readonly IPAddress Proxy = IPAddress.Parse("10.20.0.7");

    [Fact]
    public async Task The_per_client_limit_counts_the_client_a_trusted_proxy_names_and_ignores_the_header_from_anyone_else()
    {
        using var factory = new IngestFactory();
        factory.Settings["Voting:Ingest:PerClientBurst"] = "2";
        factory.Settings["Voting:Ingest:PerClientPermitsPerSecond"] = "1";
        factory.Settings["Voting:Proxies:TrustedNetworks:0"] = "10.20.0.0/16";
        using var _ = factory.CreateClient(); // starts the server
        var voter = 0;
        Task<int> CastAsync(IPAddress from, string forwardedFor) => TrustedProxyTests.CastAsync(factory, $"proxied-{voter++}", from, forwardedFor);

        // Four clients behind the proxy, at once: each has its own bucket, though all arrive from the proxy.
        Assert.All(await Task.WhenAll(Enumerable.Range(1, 4).Select(i => CastAsync(Proxy, $"203.0.113.{i}"))), status => Assert.Equal(202, status));

        // One client, four times at once, each time writing another address into its own X-Forwarded-For:
        // the proxy appends the address it saw, and only that part is believed, so one bucket (a burst
        // of 2) limits them.
        var spoofing = await Task.WhenAll(Enumerable.Range(1, 4).Select(i => CastAsync(Proxy, $"198.51.100.{i}, 203.0.113.50")));
        Assert.Contains(429, spoofing);
        Assert.All(spoofing, status => Assert.Contains(status, new[] { 202, 429 }));

        // The proxy's address as a dual-stack socket reports it (IPv4 written as IPv6) is the proxy's.
        var mapped = Proxy.MapToIPv6();
        Assert.All(await Task.WhenAll(Enumerable.Range(1, 4).Select(i => CastAsync(mapped, $"203.0.113.{10 + i}"))), status => Assert.Equal(202, status));

        // From an address that is not a trusted proxy the header means nothing: those requests are that
        // address's, whatever client each claims to be.
        var direct = IPAddress.Parse("192.0.2.9");
        var unproxied = await Task.WhenAll(Enumerable.Range(1, 4).Select(i => CastAsync(direct, $"203.0.113.{20 + i}")));
        Assert.Contains(429, unproxied);
    }

    /// <summary>A vote of a new voter sent to the in-memory server as if from <paramref name="from"/>; the status it got.</summary>
    private static async Task<int> CastAsync(IngestFactory factory, string voter, IPAddress from, string forwardedFor)
    {
        var token = factory.TokenFor(voter);
        var context = await factory.Server.SendAsync(request =>
        {
            request.Connection.RemoteIpAddress = from;
            request.Request.Method = HttpMethods.Post;
            request.Request.Path = "/api/v1/vote";
            request.Request.ContentType = "application/json";
            request.Request.Headers.Authorization = "Bearer " + token;
            request.Request.Headers["X-Forwarded-For"] = forwardedFor;
            request.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes("""{"candidate":"harper"}"""));
        });
        return context.Response.StatusCode;
    }

    [Fact]
    public async Task With_no_proxy_configured_the_header_is_believed_from_nobody()
    {
        using var factory = new IngestFactory();
        factory.Settings["Voting:Ingest:PerClientBurst"] = "2";
        factory.Settings["Voting:Ingest:PerClientPermitsPerSecond"] = "1";
        using var _ = factory.CreateClient();
        var voter = 0;
        var statuses = await Task.WhenAll(Enumerable.Range(1, 4).Select(i =>
            CastAsync(factory, $"unproxied-{voter++}", Proxy, $"203.0.113.{i}")));
        Assert.Contains(429, statuses);
    }
}
