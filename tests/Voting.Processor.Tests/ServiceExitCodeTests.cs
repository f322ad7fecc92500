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
    public async Task A_host_stopped_by_a_background_service_ending_in_a_cancellation_of_its_own_exits_1()
    {
        // A store's timeout can surface as a TaskCanceledException: the task ends cancelled, not faulted.
        var app = Host<TimedOutWork>();

        var exitCode = await app.RunToExitCodeAsync().WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(ServiceExitCode.BackgroundServiceFailed, exitCode);
    }

    [Fact]
    public async Task A_host_whose_work_throws_while_a_requested_stop_unwinds_it_exits_0()
    {
        var app = Host<StopThenThrowWork>();

        var exitCode = await app.RunToExitCodeAsync().WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(0, exitCode);
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

    private sealed class TimedOutWork : BackgroundService
    {
        protected override async Task ExecuteAsync(CancellationToken stoppingToken)
        {
            await Task.Delay(100, stoppingToken);
            throw new TaskCanceledException("The request was canceled due to the configured HttpClient.Timeout of 30 seconds elapsing.");
        }
    }

    private sealed class StopThenThrowWork(IHostApplicationLifetime lifetime) : BackgroundService
    {
        protected override async Task ExecuteAsync(CancellationToken stoppingToken)
        {
            await Task.Delay(100, CancellationToken.None);
            lifetime.StopApplication();
            try
            {
                await Task.Delay(Timeout.Infinite, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                throw new InvalidOperationException("a connection closed under the work as it stopped");
            }
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
