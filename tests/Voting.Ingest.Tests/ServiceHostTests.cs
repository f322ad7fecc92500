using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Voting.TestSupport;

namespace Voting.Ingest.Tests;

public sealed class ServiceHostTests : IClassFixture<WebApplicationFactory<Program>>
{
    private readonly WebApplicationFactory<Program> factory;

    public ServiceHostTests(WebApplicationFactory<Program> factory) =>
        this.factory = factory.WithWebHostBuilder(host => host
            .UseEnvironment(LocalStack.Environment)
            .UseSetting("Logging:LogLevel:Default", "Warning")
            .UseSetting("Logging:LogLevel:Microsoft.Extensions.Diagnostics.HealthChecks", "None"));

    [Fact]
    public async Task Reports_ready_once_every_dependency_answers_and_the_schema_is_in_place()
    {
        using var client = factory.CreateClient();
        var report = await ServiceReadiness.WaitUntilReadyAsync(client, TimeSpan.FromSeconds(90));
        Assert.Equal("Healthy", report.Status);
        Assert.Equal(["kafka", "mysql", "redis", "schema"], report.Checks.Keys.Order(StringComparer.Ordinal));
        Assert.All(report.Checks.Values, check => Assert.Equal("Healthy", check.Status));
    }

    [Fact]
    public async Task Liveness_and_metrics_answer()
    {
        using var client = factory.CreateClient();
        using var live = await client.GetAsync(new Uri("/health/live", UriKind.Relative));
        Assert.Equal(System.Net.HttpStatusCode.OK, live.StatusCode);
        var metrics = await client.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        Assert.Contains("# TYPE", metrics, StringComparison.Ordinal);
    }
}
