using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Voting.ServiceDefaults;

namespace Voting.Processor.Tests;

/// <summary>
/// What a service's process exits with (every service's Program.cs ends in
/// <see cref="ServiceExitCode.RunToExitCodeAsync"/>): a supervisor restarts a process that failed, not
/// one that stopped cleanly. Real hosts on loopback, with background work that fails or asks to stop.
/// </summary>
public sealed class ServiceExitCodeTests
{
    [Fact]
    public async Task A_host_stopped_by_a_failing_background_service_exits_1()
    {
        var app = Host<FailingWork>();

        var exitCode = await app.RunToExitCodeAsync().WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(ServiceExitCode.BackgroundServiceFailed, exitCode);
    }

    [Fact]
    public async Task A_host_stopped_on_request_exits_0()
    {
        var app = Host<StoppingWork>();

        var exitCode = await app.RunToExitCodeAsync().WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(0, exitCode);
    }

    private static WebApplication Host<TWork>()
        where TWork : class, IHostedService
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddHostedService<TWork>();
        return builder.Build();
    }

    private sealed class FailingWork : BackgroundService
    {
        protected override async Task ExecuteAsync(CancellationToken stoppingToken)
        {
            await Task.Delay(100, stoppingToken);
            throw new InvalidOperationException("the store went away for good");
        }
    }

    private sealed class StoppingWork(IHostApplicationLifetime lifetime) : BackgroundService
    {
        protected override async Task ExecuteAsync(CancellationToken stoppingToken)
        {
            await Task.Delay(100, stoppingToken);
            lifetime.StopApplication();
        }
    }
}
