namespace Voting.Processor.Consuming;

/// <summary>
/// How one batch is taken from the consumer. The wait bounds how long a batch waits for votes still
/// to come, not how many of those already fetched it takes: past it, the batch still fills from what
/// the client holds (a backlog), and is handed back as soon as that runs out. Cut on time instead, a
/// batch draining a backlog held what a starved consuming thread took in the wait.
/// </summary>
public static class BatchFill
{
    /// <summary>
    /// Takes up to <paramref name="size"/> messages from <paramref name="consume"/> (which returns
    /// null when nothing came within the timeout it is given). Nothing more within the wait: what there
    /// is goes back, even nothing, so batches still in flight get committed while the topic is idle
    /// (else the last batch's offsets would wait for the next vote, and lag would never read zero).
    /// </summary>
    public static List<T> Take<T>(Func<TimeSpan, T?> consume, int size, TimeSpan wait, TimeProvider clock, CancellationToken stoppingToken)
        where T : class
    {
        var batch = new List<T>(size);
        var started = clock.GetTimestamp();
        while (batch.Count < size && !stoppingToken.IsCancellationRequested)
        {
            var left = wait - clock.GetElapsedTime(started);
            if (consume(left > TimeSpan.Zero ? left : batch.Count > 0 ? TimeSpan.Zero : wait) is not { } message)
            {
                break;
            }

            batch.Add(message);
        }

        return batch;
    }
}
