namespace Voting.Infrastructure.Hosting;

/// <summary>Work nobody waits for any more: its failure is observed, never an unobserved task exception.</summary>
public static class LeftBehind
{
    /// <summary>Observes <paramref name="task"/>'s failure, should it fail; nothing when it is null.</summary>
    public static void Observe(Task? task) =>
        task?.ContinueWith(failed => failed.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
}
