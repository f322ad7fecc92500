using System.Globalization;
using System.Security.Cryptography;
using Microsoft.Extensions.Configuration;
using StackExchange.Redis;
using Voting.Bench.Gate;
using Voting.Infrastructure.Redis;
using Voting.TestSupport;
using Voting.ServiceDefaults;

// Usage: Voting.Bench.Gate [--votes 400000] [--batch 128] [--in-flight 4] [--cluster-shards 64,128,256] [--out bench/results/voter-gate.md]
// Needs the local stack's Redis (deploy/local/stack.sh up) and deploy/local/service-env.sh in the environment.
if (GateArguments.Parse(args) is not { } options)
{
    Console.Error.WriteLine(GateArguments.Usage);
    return 2;
}

var configuration = VotingConfiguration.Build(Environment.GetEnvironmentVariable("ASPNETCORE_ENVIRONMENT") ?? "Local");
var redisOptions = configuration.GetSection(RedisOptions.Section).Get<RedisOptions>() ?? throw new InvalidOperationException("no Redis configuration");
// The production shape (BloomFilterOptions' defaults, as deploy/config/voting.json and deploy/k8s set it), not the
// local stack's small filter: the filter's size and bit count are part of the commit script's work.
var filter = new BloomFilterOptions();
var stamp = DateTime.UtcNow.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture);
var prefix = $"bench-gate-{stamp}:";
using var cancel = new CancellationTokenSource(TimeSpan.FromMinutes(30));
var ct = cancel.Token;

void Say(string line) => Console.WriteLine($"bench: {line}");

var phases = 0; // each phase votes in an election of its own: a fresh filter, as the one-server phase and each new cluster start with

try
{
    var runs = new List<GateRun>();
    var stack = await ConnectionMultiplexer.ConnectAsync(redisOptions.Configuration + ",allowAdmin=true");
    try
    {
        var gate = new VoterGate(stack, new RedisOptions { Configuration = redisOptions.Configuration, KeyPrefix = prefix }, filter);
        Say($"one server (the stack's Redis), {filter.Shards} filter shards, backend {await gate.BackendAsync()}");
        runs.Add(await PhaseAsync("one server", cluster: false, gate, () => RedisStats.MainThreadSecondsAsync(stack), stack));
    }
    finally
    {
        await DeleteKeysAsync(stack, prefix);
        await stack.DisposeAsync();
    }

    foreach (var shards in options.ClusterShards)
    {
        await using var cluster = await OneNodeRedisCluster.StartAsync();
        var shaped = new BloomFilterOptions { ExpectedVoters = filter.ExpectedVoters, FalsePositiveRate = filter.FalsePositiveRate, Shards = shards, Backend = filter.Backend };
        var gate = new VoterGate(cluster.Redis, new RedisOptions { Configuration = "unused", KeyPrefix = prefix }, shaped);
        Say($"Redis Cluster of one primary, {shards} filter shards (one script per shard a batch's voters fall in)");
        runs.Add(await PhaseAsync($"cluster, {shards} filter shards", cluster: true, gate, () => RedisStats.MainThreadSecondsAsync(cluster.Redis), oneScriptAtATime: true));
        runs.Add(await PhaseAsync($"cluster, {shards} filter shards, a batch's scripts together", cluster: true, gate, () => RedisStats.MainThreadSecondsAsync(cluster.Redis)));
    }

    await WriteReportAsync(runs);
    return 0;
}
catch (Exception e) when (e is InvalidOperationException or RedisException or RedisCommandException or IOException or TimeoutException)
{
    Console.Error.WriteLine($"bench: FAILED: {e.Message}");
    return 1;
}

// memoryOf: the server whose memory to measure per accepted voter (the phase's election is alone on it).
async Task<GateRun> PhaseAsync(string name, bool cluster, VoterGate gate, Func<Task<double>> redisCpu, IConnectionMultiplexer? memoryOf = null, bool oneScriptAtATime = false)
{
    // Warm-up, unmeasured: the client's JIT and the scripts' first load.
    var phase = ++phases;
    await GatePhase.RunAsync(name, cluster, gate, redisCpu, Voters($"bench-warm-{stamp}-{phase}", 4 * options.BatchSize * options.InFlight), options.BatchSize, options.InFlight, _ => { }, ct, oneScriptAtATime);
    Say($"{name}: {options.Votes:N0} distinct voters in batches of {options.BatchSize}, {options.InFlight} in flight");
    var electionId = $"bench-gate-{stamp}-{phase}";
    var before = memoryOf is null ? default : await RedisStats.MemoryAsync(memoryOf);
    var run = await GatePhase.RunAsync(name, cluster, gate, redisCpu, Voters(electionId, options.Votes), options.BatchSize, options.InFlight, Say, ct, oneScriptAtATime);
    Say($"{name}: {run.Rate:N0} votes/s; Redis {run.RedisMicrosecondsPerVote:F1} µs of its main thread per vote = {run.VotesPerRedisCore:N0} votes/s per Redis core");
    if (memoryOf is not null)
    {
        var after = await RedisStats.MemoryAsync(memoryOf);
        var filterBytes = await RedisStats.FilterBytesAsync(memoryOf, prefix, electionId, gate.Shape);
        run = run with
        {
            RedisBytesPerVoter = (double)(after.UsedBytes - before.UsedBytes - filterBytes) / options.Votes,
            RedisKeysPerVoter = (double)(after.Keys - before.Keys - (2 * gate.Shape.Shards)) / options.Votes, // less each shard's filter and filter-state keys
            FilterAllocatedBytes = filterBytes,
        };
        Say($"{name}: {run.RedisBytesPerVoter:N0} bytes and {run.RedisKeysPerVoter:F2} keys of Redis per accepted voter, besides the filter's {filterBytes:N0} bytes (MEMORY USAGE)");
    }

    return run;
}

static VoterKey[] Voters(string electionId, int count) =>
    [.. Enumerable.Range(0, count).Select(_ => new VoterKey(electionId, RandomNumberGenerator.GetBytes(32)))];

// The bench's keys on the stack's Redis (filters, markers, locks, attempt counters), removed afterwards.
static async Task DeleteKeysAsync(ConnectionMultiplexer redis, string prefix)
{
    var server = redis.GetServers().Single();
    var database = redis.GetDatabase();
    var batch = new List<RedisKey>(1000);
    await foreach (var key in server.KeysAsync(pattern: prefix + "*", pageSize: 1000))
    {
        batch.Add(key);
        if (batch.Count == 1000)
        {
            await database.KeyDeleteAsync([.. batch]);
            batch.Clear();
        }
    }

    if (batch.Count > 0)
    {
        await database.KeyDeleteAsync([.. batch]);
    }
}

async Task WriteReportAsync(List<GateRun> runs)
{
    var single = runs[0];
    var filterBitBytes = Voting.Core.Dedup.BloomFilterShape.For(filter.ExpectedVoters, filter.FalsePositiveRate, filter.Shards).TotalBytes;
    var clusterRuns = runs.Skip(1).Where(r => r.Redis.EndsWith("filter shards", StringComparison.Ordinal)).ToList();
    var onCluster = clusterRuns.Count == 0 ? ""
        : $"on a cluster with {string.Join(" / ", clusterRuns.Select(r => r.FilterShards))} filter shards "
          + $"{string.Join(" / ", clusterRuns.Select(r => r.VotesPerRedisCore.ToString("N0", CultureInfo.InvariantCulture)))}, ";
    var report = $"""
        # Voter gate benchmark — {DateTime.UtcNow:yyyy-MM-ddTHH:mm:ssZ}

        Machine: {Environment.ProcessorCount} cores; Redis and this client share them.
        Ingest's duplicate defence alone, as `VoteBatchCaster` calls it for accepted votes: `VoterGate.EnterAsync` (lock, filter and marker
        checks, attempt count) then `VoterGate.CommitAsync` (filter bits, accepted-marker, unlock), {options.Votes:N0} distinct voters per phase
        in batches of {options.BatchSize} with {options.InFlight} in flight (ingest's defaults), a filter for {filter.ExpectedVoters:N0} voters at
        {filter.FalsePositiveRate:P2} false positives (bitmap backend unless RedisBloom is loaded). Redis CPU is its main thread's, from `INFO cpu`.

        | Redis | votes/s | Redis µs/vote | votes/s per Redis core | scripts per vote | client µs/vote | box busy | maybe voted |
        |---|---:|---:|---:|---:|---:|---:|---:|
        {string.Join("\n", runs.Select(Row))}

        **Votes/s one Redis core carries through the gate: {onCluster}on one server {single.VotesPerRedisCore:N0}.**
        **Redis memory per accepted voter: {single.RedisBytesPerVoter:N0} bytes** ({single.RedisKeysPerVoter:F2} keys left per voter after the commit: the
        accepted-marker, kept for a day; `used_memory` before and after the one-server phase, less the filter's bitmaps as `MEMORY USAGE` gives them).
        The filter's {filter.Shards} bitmaps took {single.FilterAllocatedBytes:N0} bytes for {filterBitBytes:N0} bytes of bits: Redis grows a string set bit by bit with spare room.
        On one server a batch is one enter and one commit script for all its voters. On a cluster a script's keys must share a hash
        slot, so a batch goes as one script per filter shard its voters fall in: with more shards each script carries fewer voters,
        and its fixed cost (the call, the script's set-up, the filter state read) is shared by fewer votes. The gate sends a batch's
        scripts all at once. On this one-primary cluster they then arrive together on one connection and share its reads and writes
        (rows "a batch's scripts together"); on a cluster of many primaries each primary gets about one script of a batch at a time.
        The rows "cluster, N filter shards" reproduce that: the bench hands the gate one filter shard's voters at a time and waits for
        each script before sending the next, so every script arrives alone. A filter shard's hash tag lives on one primary's single
        thread, so that thread must carry the shard's share of the peak at that cost.

        """;
    Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(options.Out))!);
    // Beside it, then moved into place: an interrupted write never leaves a shortened results file.
    var partial = options.Out + ".partial";
    await File.WriteAllTextAsync(partial, report, ct);
    File.Move(partial, options.Out, overwrite: true);
    Console.WriteLine();
    Console.WriteLine(report);
}

static string Row(GateRun run) =>
    string.Create(CultureInfo.InvariantCulture,
        $"| {run.Redis} | {run.Rate:N0} | {run.RedisMicrosecondsPerVote:F1} | {run.VotesPerRedisCore:N0} | {(double)run.Scripts / run.Votes:F2} | {run.ClientMicrosecondsPerVote:F1} | {run.BoxBusy:P0} | {run.MaybeVoted} |");
