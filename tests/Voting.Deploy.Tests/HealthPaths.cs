using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Voting.ServiceDefaults;

namespace Voting.Deploy.Tests;

/// <summary>The health endpoints every service maps, read from the real <see cref="ServiceDefaultsExtensions.MapDefaultEndpoints"/>.</summary>
internal sealed record HealthPaths(string Live, string Ready)
{
    public IEnumerable<string> All => [Live, Ready];

    /// <summary>Builds (never starts) a host with the service defaults and lists the routes they map under <c>/health</c>.</summary>
    public static HealthPaths Discover()
    {
        var builder = WebApplication.CreateBuilder();
        builder.AddServiceDefaults("Voting.Deploy.Tests");
        var app = builder.Build();
        app.MapDefaultEndpoints();
        var paths = ((IEndpointRouteBuilder)app).DataSources
            .SelectMany(source => source.Endpoints)
            .OfType<RouteEndpoint>()
            .Select(endpoint => "/" + endpoint.RoutePattern.RawText?.TrimStart('/'))
            .Where(path => path.StartsWith("/health/", StringComparison.Ordinal))
            .ToList();
        return new HealthPaths(
            paths.Single(p => p.EndsWith("/live", StringComparison.Ordinal)),
            paths.Single(p => p.EndsWith("/ready", StringComparison.Ordinal)));
    }
}
