using System.Diagnostics;
using Voting.Infrastructure.Redis;

namespace Voting.Bench.Gate;

/// <summary>
/// Ingest's duplicate defence alone, as <c>VoteBatchCaster</c> calls it for a batch of accepted votes:
/// <see cref="VoterGate.EnterAsync(IReadOnlyList{VoterKey}, TimeSpan, VoterAttemptLimit)"/> (lock, filter
/// and marker checks, attempt count) then <see cref="VoterGate.CommitAsync(IReadOnlyList{HeldVoterLock}, DateTimeOffset)"/>
/// (filter bits, marker, unlock), every voter distinct, several batches in flight as ingest runs them.
/// Measures the Redis main thread's CPU per vote, the figure a hash tag's load is made of.
/// </summary>
/// <remarks>
/// On a cluster the gate sends a batch's scripts (one per filter shard) all at once. On this bench's
/// one-primary cluster they then reach Redis together on one connection and share its reads and
/// writes; on a cluster of many primaries each primary gets about one of a batch's scripts at a time.
/// <c>oneScriptAtATime</c> reproduces that: the bench hands the gate one filter shard's voters at a
/// time and waits for each script before the next, so every script arrives alone.
/// </remarks>
internal static class GatePhase
{
    // As ingest's defaults (IngestOptions): a 10 s lock, a day's marker, 10 attempts a minute.
    private static readonly TimeSpan LockTtl = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan MarkerTtl = TimeSpan.FromDays(1);
    private static readonly VoterAttemptLimit Limit = new(10, TimeSpan.FromMinutes(1));

    public static async Task<GateRun> RunAsync(
        string redisName, bool cluster, VoterGate gate, Func<Task<double>> redisCpuSeconds, VoterKey[] voters, int batchSize, int inFlight,
        Action<string> say, CancellationToken cancellationToken, bool oneScriptAtATime = false)
    {
        var electionId = voters[0].ElectionId;
        await gate.SetFilterStateAsync(electionId, VoterFilterState.Ready);
        var batches = (voters.Length + batchSize - 1) / batchSize;
        var scripts = 2L * Enumerable.Range(0, batches).Sum(b => cluster ? ScriptsPerCall(gate, voters, b, batchSize) : 1);
        var next = -1;
        var done = 0L;
        var maybeVoted = 0;
        var reportEvery = Math.Max(1, batches / 10);

        var redisStart = await redisCpuSeconds();
        var self = Process.GetCurrentProcess();
        var clientStart = self.TotalProcessorTime;
        var boxStart = BoxCpu.Ticks();
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, inFlight).Select(_ => Task.Run(async () =>
        {
            int batch;
            while ((batch = Interlocked.Increment(ref next)) < batches)
            {
                var slice = new ArraySegment<VoterKey>(voters, batch * batchSize, Math.Min(batchSize, voters.Length - (batch * batchSize)));
                var parts = oneScriptAtATime ? ByFilterShard(gate, slice) : [slice.ToArray()];
                var held = new List<HeldVoterLock[]>(parts.Length);
                foreach (var part in parts)
                {
                    var entries = await gate.EnterAsync(part, LockTtl, Limit);
                    var locks = new HeldVoterLock[part.Length];
                    for (var i = 0; i < part.Length; i++)
                    {
                        switch (entries[i].Admission)
                        {
                            case VoterAdmission.New:
                                break;
                            case VoterAdmission.MaybeVoted:
                                Interlocked.Increment(ref maybeVoted); // a false positive: ingest would look the voter up in MariaDB
                                break;
                            default:
                                throw new InvalidOperationException($"a new voter was answered {entries[i].Admission}");
                        }

                        locks[i] = new HeldVoterLock(part[i], entries[i].Token);
                    }

                    held.Add(locks);
                }

                foreach (var locks in held)
                {
                    await gate.CommitAsync(locks, DateTimeOffset.UtcNow + MarkerTtl);
                }

                var total = Interlocked.Add(ref done, slice.Count);
                if ((batch + 1) % reportEvery == 0)
                {
                    say($"  {redisName}: {total:N0} votes through the gate");
                }
            }
        }, cancellationToken)));
        var time = clock.Elapsed;
        var box = BoxCpu.Ticks();
        self.Refresh();
        var redisMicroseconds = (await redisCpuSeconds() - redisStart) * 1e6 / voters.Length;
        var clientMicroseconds = (self.TotalProcessorTime - clientStart).TotalMicroseconds / voters.Length;
        var busy = BoxCpu.BusyShare(boxStart, box);
        return new GateRun(
            redisName, voters.Length, batchSize, gate.Shape.Shards, voters.Length / time.TotalSeconds, time, redisMicroseconds, clientMicroseconds, busy, scripts, maybeVoted);
    }

    /// <summary>The batch's voters by the filter shard they fall in: what one script carries on a cluster.</summary>
    private static VoterKey[][] ByFilterShard(VoterGate gate, IEnumerable<VoterKey> batch)
    {
        var offsets = new long[gate.Shape.HashCount];
        return [.. batch.GroupBy(v => gate.Shape.Locate(v.Pseudonym, offsets)).Select(g => g.ToArray())];
    }

    /// <summary>Scripts one gate call sends for a batch on a cluster: one per filter shard its voters fall in.</summary>
    private static int ScriptsPerCall(VoterGate gate, VoterKey[] voters, int batch, int batchSize)
    {
        var offsets = new long[gate.Shape.HashCount];
        return voters.Skip(batch * batchSize).Take(batchSize).Select(v => gate.Shape.Locate(v.Pseudonym, offsets)).Distinct().Count();
    }
}
