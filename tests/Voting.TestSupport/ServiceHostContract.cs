using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Voting.Infrastructure.ClickHouse;
using Voting.Infrastructure.MySql;

namespace Voting.TestSupport;

/// <summary>
/// What every service host promises, checked against the real local stack: it becomes ready once
/// each dependency answers and its schema is in place, and it answers liveness and metrics. Each test
/// runs the host on databases, topics and Redis keys of its own (dropped afterwards): with the
/// defaults it would migrate the developer's running stack to the schema under test, and a processor
/// host would consume that stack's votes.
/// </summary>
public abstract class ServiceHostContract<TProgram> : IAsyncLifetime
    where TProgram : class
{
    private readonly WebApplicationFactory<TProgram> factory;
    private readonly string scope = LocalStack.UniqueName("host");

    protected ServiceHostContract(WebApplicationFactory<TProgram> factory) =>
        this.factory = factory.WithWebHostBuilder(host => host
            .UseEnvironment(LocalStack.Environment)
            .UseSetting("Voting:MySql:DatabasePrefix", scope + "_s")
            .UseSetting("Voting:ClickHouse:Database", scope)
            .UseSetting("Voting:Kafka:VotesTopic", scope + ".votes")
            .UseSetting("Voting:Kafka:DeadLetterTopic", scope + ".votes.dlq")
            .UseSetting("Voting:Kafka:ProcessorGroup", scope + "-group")
            .UseSetting("Voting:Redis:KeyPrefix", scope + ":")
            .UseSetting("Logging:LogLevel:Default", "Warning")
            .UseSetting("Logging:LogLevel:Microsoft.Extensions.Diagnostics.HealthChecks", "None"));

    /// <summary>The readiness checks this service must report, in ordinal order.</summary>
    protected abstract string[] ExpectedChecks { get; }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await factory.DisposeAsync();
        using var tallies = new ClickHouseTallyStore(LocalStack.ClickHouse(scope));
        await TestStores.DropAsync(new MySqlShardConnections(LocalStack.MySql(scope + "_s")), tallies);
    }

    [Fact]
    public async Task Reports_ready_once_every_dependency_answers_and_the_schema_is_in_place()
    {
        using var client = factory.CreateClient();
        var report = await ServiceReadiness.WaitUntilHealthyAsync(client, TimeSpan.FromSeconds(90));
        Assert.Equal("Healthy", report.Status);
        Assert.Equal(ExpectedChecks, report.Checks.Keys.Order(StringComparer.Ordinal));
        Assert.All(report.Checks.Values, check => Assert.Equal("Healthy", check.Status));
    }

    [Fact]
    public async Task Liveness_and_metrics_answer()
    {
        using var client = factory.CreateClient();
        using var live = await client.GetAsync(new Uri("/health/live", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        var metrics = await client.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        Assert.Contains("# TYPE", metrics, StringComparison.Ordinal);
    }
}
