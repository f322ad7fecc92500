using System.Diagnostics;
using Voting.Core.Ballots;
using Voting.Infrastructure.MySql;
using Voting.Infrastructure.Storage;

namespace Voting.Bench.Processor;

/// <summary>
/// The Merkle log append alone, as the processor calls it (<see cref="MerkleLogAppender"/>, one call
/// per batch), with one or several appenders at once, into a fresh log database: the rate one
/// election's log takes leaves at, alone and with appenders (processors, batches in flight) filling
/// their reserved ranges at the same time.
/// </summary>
internal static class LogAppendBench
{
    public static async Task<LogAppendRun> RunAsync(
        MySqlShardConnections log, VoteMessage[] votes, int batchSize, int appenders, Action<string> say, CancellationToken cancellationToken)
    {
        var appender = new MerkleLogAppender(log);
        var batches = (votes.Length + batchSize - 1) / batchSize;
        var next = -1;
        var appended = 0L;
        var times = new TimeSpan[batches];
        var reportEvery = Math.Max(1, batches / 10);
        var meter = CpuMeter.Start("the appenders");
        var total = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, appenders).Select(_ => Task.Run(async () =>
        {
            int batch;
            while ((batch = Interlocked.Increment(ref next)) < batches)
            {
                var slice = new ArraySegment<VoteMessage>(votes, batch * batchSize, Math.Min(batchSize, votes.Length - batch * batchSize));
                var one = Stopwatch.StartNew();
                var positions = await appender.AppendAsync(slice, cancellationToken);
                times[batch] = one.Elapsed;
                if (positions.Appended != slice.Count)
                {
                    throw new InvalidOperationException($"batch {batch}: {positions.Appended} of {slice.Count} leaves appended");
                }

                var done = Interlocked.Add(ref appended, slice.Count);
                if ((batch + 1) % reportEvery == 0)
                {
                    say($"  log: {done:N0} leaves appended");
                }
            }
        }, cancellationToken)));
        var time = total.Elapsed;
        var cpu = meter.Stop(votes.Length);
        Array.Sort(times);
        return new LogAppendRun(appenders, votes.Length / time.TotalSeconds, time, times[times.Length / 2], times[^1], batches, cpu);
    }
}
