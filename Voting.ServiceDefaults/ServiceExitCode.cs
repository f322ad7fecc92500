using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Voting.ServiceDefaults;

/// <summary>
/// How a service's process ends. When a background service fails, the host logs the failure and stops
/// (its default <see cref="BackgroundServiceExceptionBehavior.StopHost"/>), and <c>Run</c> returns as
/// after a requested stop: the process would exit 0, which a supervisor (Kubernetes, systemd, a script)
/// takes for a clean stop and does not restart. A service stopped by a failure exits 1 instead.
/// </summary>
public static class ServiceExitCode
{
    /// <summary>The exit code of a service whose background work failed.</summary>
    public const int BackgroundServiceFailed = 1;

    /// <summary>Runs <paramref name="app"/> until it stops; 0 after a requested stop, <see cref="BackgroundServiceFailed"/> after a failure.</summary>
    public static async Task<int> RunToExitCodeAsync(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);

        // Taken before the run (the host disposes its services when it stops), and judged when the stop
        // begins: work that had already ended faulted or cancelled then is what stopped the host; work
        // that ends badly while a requested stop unwinds it did not.
        var background = app.Services.GetServices<IHostedService>().OfType<BackgroundService>().ToList();
        var failed = false;
        using var judged = app.Lifetime.ApplicationStopping.Register(
            () => failed = background.Any(s => s.ExecuteTask is { IsFaulted: true } or { IsCanceled: true }));
        await app.RunAsync();
        return failed ? BackgroundServiceFailed : 0;
    }
}
