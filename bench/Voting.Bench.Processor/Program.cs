using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using MySqlConnector;
using Voting.Bench.Processor;
using Voting.Core.Ballots;
using Voting.Core.Sharding;
using Voting.Infrastructure.ClickHouse;
using Voting.Infrastructure.Kafka;
using Voting.Infrastructure.MySql;
using Voting.Processor;
using Voting.ServiceDefaults;

// Usage: Voting.Bench.Processor --processor PATH/Voting.Processor.dll [--votes 1000000] [--raw-votes-per-transaction 1000,2000,4000,8000]
//                               [--port 5192] [--out bench/results/processor.md]
//        Voting.Bench.Processor --log-appenders 1,2,4 [--votes 1000000] [--out bench/results/log-append.md]
// Needs the local stack (deploy/local/stack.sh up) and deploy/local/service-env.sh in the environment.
var options = ParseArgs(args);
if (options is null)
{
    Console.Error.WriteLine("usage: Voting.Bench.Processor --processor PATH/Voting.Processor.dll [--votes N] [--raw-votes-per-transaction N[,N...]] [--port P] [--out FILE]");
    Console.Error.WriteLine("       Voting.Bench.Processor --log-appenders N[,N...] [--votes N] [--out FILE]");
    return 2;
}

var configuration = VotingConfiguration.Build(Environment.GetEnvironmentVariable("ASPNETCORE_ENVIRONMENT") ?? "Local");
var kafka = configuration.GetSection(KafkaOptions.Section).Get<KafkaOptions>() ?? throw new InvalidOperationException("no Kafka configuration");
var mySql = configuration.GetSection(MySqlShardOptions.Section).Get<MySqlShardOptions>() ?? throw new InvalidOperationException("no MySQL configuration");
var clickHouse = configuration.GetSection(ClickHouseOptions.Section).Get<ClickHouseOptions>() ?? throw new InvalidOperationException("no ClickHouse configuration");
var processorSettings = configuration.GetSection(ProcessorOptions.Section).Get<ProcessorOptions>() ?? new ProcessorOptions();

var stamp = DateTime.UtcNow.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture);
var election = "bench-" + stamp;
var topic = "bench.votes." + stamp;
var raw = new MySqlShardConnections(Copy(mySql, "bench_raw_"));
var drained = new MySqlShardConnections(Copy(mySql, "bench_proc_"));
var logOnly = new MySqlShardConnections(Copy(mySql, "bench_log_"));
var clickHouseDatabase = "bench_" + stamp;
using var cancel = new CancellationTokenSource(TimeSpan.FromMinutes(30));
var ct = cancel.Token;
// Ctrl-C cancels the run instead of ending the process, so its cleanup (scratch databases, the
// server setting MariaDbQuiet lowers) still runs.
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};

void Say(string line) => Console.WriteLine($"bench: {line}");

try
{
    return options.LogAppenders is { } appenders ? await RunLogAsync(appenders) : await RunAsync();
}
catch (Exception e) when (e is InvalidOperationException or TimeoutException or MySqlException or IOException)
{
    Console.Error.WriteLine($"bench: FAILED: {e.Message}");
    return 1;
}
catch (OperationCanceledException) when (ct.IsCancellationRequested)
{
    Console.Error.WriteLine("bench: interrupted (or past its 30 min limit); its scratch databases were dropped");
    return 130;
}

async Task<int> RunAsync()
{
    try
    {
        Say($"generating {options.Votes:N0} votes for distinct voters");
        var votes = BenchVotes.Generate(election, options.Votes, seed: 2028);

        await DropAsync(drained, ct);

        // The ceiling is the best rate over transaction sizes: larger transactions pay fewer commits
        // (each a redo log flush), up to where the statements themselves dominate.
        var rawRuns = new List<RawRun>();
        foreach (var size in options.RawVotesPerTransaction)
        {
            rawRuns.Add(await RawRunAsync(votes, size, afterProcessor: false));
        }

        var bestBefore = rawRuns.MaxBy(r => r.Rate)!;
        Say($"raw ceiling so far: {bestBefore.Rate:N0} votes/s ({bestBefore.Time.TotalSeconds:F1} s)");
        await DropAsync(raw, ct);

        Say($"filling topic {topic} with {options.Votes:N0} votes");
        var fillTime = TopicFiller.Fill(kafka, topic, votes, n => Say($"  produced {n:N0}"));
        var fillRate = options.Votes / fillTime.TotalSeconds;
        Say($"topic filled: {fillRate:N0} messages/s ({fillTime.TotalSeconds:F1} s)");

        await MariaDbQuiet.WaitAsync(raw, Say, ct);
        Say("starting Voting.Processor on the pre-filled topic");
        await using var processor = new ProcessorRun(options.ProcessorDll, options.Port,
        [
            $"--Voting:Kafka:VotesTopic={topic}",
        $"--Voting:Kafka:DeadLetterTopic=bench.dlq.{stamp}",
        $"--Voting:Kafka:ProcessorGroup=bench-{stamp}",
        "--Voting:MySql:DatabasePrefix=bench_proc_",
        $"--Voting:ClickHouse:Database={clickHouseDatabase}",
    ]);
        await processor.StartAsync(ct);
        Say("processor ready (schema created); draining");
        var runtimeAtReady = await processor.RuntimeFiguresAsync(ct);
        var processorMeter = CpuMeter.Start("Voting.Processor", () => processor.Child);
        var lastReport = DateTime.UtcNow;
        var drain = await processor.WaitUntilStoredAsync(options.Votes, (stored, rate) =>
        {
            if (DateTime.UtcNow - lastReport > TimeSpan.FromSeconds(5))
            {
                lastReport = DateTime.UtcNow;
                Say($"  processor: {stored:N0} stored, {rate:N0}/s now");
            }
        }, ct);
        var processorCpu = processorMeter.Stop(options.Votes);
        var runtimeDrained = await processor.RuntimeFiguresAsync(ct);
        var allocatedPerVote = (runtimeDrained.AllocatedBytes - runtimeAtReady.AllocatedBytes) / options.Votes;
        var gcPause = runtimeDrained.GcPauseSeconds - runtimeAtReady.GcPauseSeconds;
        var gen2 = runtimeDrained.Gen2Collections - runtimeAtReady.Gen2Collections;
        var batches = runtimeDrained.Batches - runtimeAtReady.Batches;
        var processorRate = options.Votes / drain.ReadyToLast.TotalSeconds;
        var sustained = options.Votes / drain.FirstToLast.TotalSeconds;
        Say($"processor: {processorRate:N0} votes/s from ready to drained ({drain.ReadyToLast.TotalSeconds:F1} s), {sustained:N0}/s first to last stored");

        var (participation, ballots) = await CountAsync(drained, election, ct);
        Say($"stored rows: {participation:N0} participation, {ballots:N0} ballots (expected {options.Votes:N0} each)");
        if (participation != options.Votes || ballots != options.Votes)
        {
            Console.Error.WriteLine($"bench: FAILED: the processor stored {participation:N0}/{ballots:N0} rows for {options.Votes:N0} votes");
            return 1;
        }

        // The best size once more, after the processor: the box's speed drifts within a run, and a
        // ceiling measured in one slow minute would flatter the ratio. The better of the two counts.
        await processor.DisposeAsync();
        await DropAsync(drained, ct);
        rawRuns.Add(await RawRunAsync(votes, bestBefore.VotesPerTransaction, afterProcessor: true));
        var best = rawRuns.MaxBy(r => r.Rate)!;
        var rawRate = best.Rate;
        var rawTime = best.Time;
        Say($"raw ceiling: {rawRate:N0} votes/s ({rawTime.TotalSeconds:F1} s)");

        var ratio = processorRate / rawRate;
        var report = $"""
        # Processor benchmark — {DateTime.UtcNow:yyyy-MM-ddTHH:mm:ssZ}

        Machine: {Environment.ProcessorCount} cores; MariaDB, Kafka, ClickHouse and the processor share them. Each phase starts on a quiet MariaDB (no purge or flushing left from the one before).
        {options.Votes:N0} votes from distinct voters, spread over the states by population, into 16 shard databases x 64 tables.

        | measurement | votes/s | time | notes |
        |---|---:|---:|---|
        | raw ceiling: multi-row INSERTs, no Kafka | {rawRate:N0} | {rawTime.TotalSeconds:F1} s | one writer per shard database, participation + ballot rows; the best of {string.Join(", ", rawRuns.Where(r => !r.AfterProcessor).Select(r => $"{r.Rate:N0}/s at {r.VotesPerTransaction}"))} votes per transaction, and {string.Join(", ", rawRuns.Where(r => r.AfterProcessor).Select(r => $"{r.Rate:N0}/s at {r.VotesPerTransaction}"))} again after the processor |
        | Kafka producer filling the topic | {fillRate:N0} | {fillTime.TotalSeconds:F1} s | acks=all, keyed by pseudonym (Kafka 0.9, {kafka.Partitions} partitions) |
        | Voting.Processor draining the topic | {processorRate:N0} | {drain.ReadyToLast.TotalSeconds:F1} s | batches of {processorSettings.BatchSize:N0}, {processorSettings.BatchesInFlight} in flight, at most {processorSettings.MaxBatchWaitMilliseconds:N0} ms to fill one ({batches:N0} written, {options.Votes / Math.Max(batches, 1):N0} votes each on average); checks, tally outbox, Merkle log append and leaf indices, ClickHouse, offset commits; {sustained:N0}/s first→last stored, peak {drain.PeakRate:N0}/s |

        **Processor / raw ceiling: {ratio:P0}** (target ≥ 70%). Every vote stored exactly once: {participation:N0} participation rows, {ballots:N0} ballot rows.

        CPU per vote in each phase, in microseconds (process CPU time from /proc over the phase, divided by the votes stored; "box busy" is the share of the {Environment.ProcessorCount} cores neither idle nor waiting on I/O):

        | phase | MariaDB | the writing process | Kafka + ZooKeeper | ClickHouse | all four | box busy |
        |---|---:|---:|---:|---:|---:|---:|
        {CpuRow($"raw ceiling at {best.VotesPerTransaction} votes per transaction{(best.AfterProcessor ? ", after the processor" : "")}", best.Cpu)}
        {CpuRow("Voting.Processor", processorCpu)}

        The processor's runtime over the drain (its own `/metrics`): **{allocatedPerVote / 1024:F2} KB allocated per vote**, {gcPause:F2} s paused in GC, {gen2:N0} gen-2 collections.

        """;
        await WriteReportAsync(report);
        return 0;
    }
    finally
    {
        await DropAsync(raw, CancellationToken.None);
        await DropAsync(drained, CancellationToken.None);
        await DropClickHouseAsync(clickHouse, clickHouseDatabase);
    }
}

// The Merkle log append alone, with 1, 2, ... appenders at once, each on a fresh log database.
async Task<int> RunLogAsync(int[] appenderCounts)
{
    try
    {
        Say($"generating {options.Votes:N0} votes for distinct voters");
        var votes = BenchVotes.Generate(election, options.Votes, seed: 2028);
        var batchSize = processorSettings.BatchSize;
        var runs = new List<LogAppendRun>();
        foreach (var appenders in appenderCounts)
        {
            await DropAsync(logOnly, ct);
            await new MySqlSchemaMigrator(logOnly, NullLogger<MySqlSchemaMigrator>.Instance).MigrateLogAsync(MerkleLogMigrations.All, ct);
            await MariaDbQuiet.WaitAsync(logOnly, Say, ct);
            Say($"log append: {options.Votes:N0} leaves in batches of {batchSize:N0}, {appenders} appender(s) at once");
            var run = await LogAppendBench.RunAsync(logOnly, votes, batchSize, appenders, Say, ct);
            Say($"log append: {run.Rate:N0} leaves/s with {appenders} appender(s) ({run.Time.TotalSeconds:F1} s; a batch took {run.BatchMedian.TotalSeconds:F2} s, at most {run.BatchMax.TotalSeconds:F2} s)");
            runs.Add(run);
        }

        var single = runs.FirstOrDefault(r => r.Appenders == 1) ?? runs[0];
        var best = runs.MaxBy(r => r.Rate)!;
        var report = $"""
        # Merkle log append benchmark — {DateTime.UtcNow:yyyy-MM-ddTHH:mm:ssZ}

        Machine: {Environment.ProcessorCount} cores; MariaDB and the appenders share them. Each measurement starts on a fresh log database and a quiet MariaDB.
        {options.Votes:N0} ballot hashes of one election appended by `MerkleLogAppender` as the processor calls it: one call per batch of {batchSize:N0}
        (reserve a range of positions, then one multi-row INSERT of the leaves and the log's size moved, in one commit).

        | appenders at once | leaves/s | time | one batch's append: median / longest | MariaDB µs/leaf | appenders µs/leaf | box busy |
        |---|---:|---:|---:|---:|---:|---:|
        {string.Join("\n", runs.Select(LogRow))}

        **One election's log: {single.Rate:N0} leaves/s with one appender, {best.Rate:N0} with {best.Appenders} at once ({best.Rate / single.Rate:F2}×).**
        Each append fills a range of positions handed to it alone (`MerkleLogReservations`); only handing out a range and moving the
        log's size take the tree head's row lock, so appenders insert their leaves at the same time, up to what the box's cores carry.

        """;
        await WriteReportAsync(report);
        return 0;
    }
    finally
    {
        await DropAsync(logOnly, CancellationToken.None);
    }
}

static string LogRow(LogAppendRun run) =>
    string.Create(CultureInfo.InvariantCulture,
        $"| {run.Appenders} | {run.Rate:N0} | {run.Time.TotalSeconds:F1} s | {run.BatchMedian.TotalSeconds:F2} / {run.BatchMax.TotalSeconds:F2} s | {run.Cpu.Of("MariaDB"):F1} | {run.Cpu.Of(run.Cpu.WorkerName):F1} | {run.Cpu.BoxBusy:P0} |");

// The report goes to the results file and the terminal.
async Task WriteReportAsync(string report)
{
    Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(options.Out))!);
    // Beside it, then moved into place: an interrupted write never leaves a shortened results file.
    var partial = options.Out + ".partial";
    await File.WriteAllTextAsync(partial, report, ct);
    File.Move(partial, options.Out, overwrite: true);
    Console.WriteLine();
    Console.WriteLine(report);
}

// One measurement of the ceiling on a fresh raw schema, from a quiet MariaDB.
async Task<RawRun> RawRunAsync(VoteMessage[] votes, int size, bool afterProcessor)
{
    await DropAsync(raw, ct);
    Say("creating the raw-ceiling shard schema (16 databases x 64 tables)");
    await new MySqlSchemaMigrator(raw, NullLogger<MySqlSchemaMigrator>.Instance).MigrateAsync(MySqlMigrations.All, ct);
    await MariaDbQuiet.WaitAsync(raw, Say, ct);

    Say($"raw ceiling{(afterProcessor ? " again, after the processor" : "")}: multi-row INSERTs, one writer per shard database, {size} votes per transaction");
    var nextReport = options.Votes / 10;
    var rawMeter = CpuMeter.Start("the raw writer");
    var time = await RawShardWriter.WriteAsync(raw, votes, size, written =>
    {
        if (written >= Interlocked.CompareExchange(ref nextReport, 0, 0))
        {
            Interlocked.Add(ref nextReport, options.Votes / 10);
            Say($"  raw: {written:N0} written");
        }
    }, ct);
    Say($"raw: {options.Votes / time.TotalSeconds:N0} votes/s at {size} votes per transaction ({time.TotalSeconds:F1} s)");
    return new RawRun(size, afterProcessor, options.Votes / time.TotalSeconds, time, rawMeter.Stop(options.Votes));
}

static string CpuRow(string phase, CpuUse cpu)
{
    string[] groups = ["MariaDB", cpu.WorkerName, "Kafka + ZooKeeper", "ClickHouse"];
    return $"| {phase} | {string.Join(" | ", groups.Select(g => cpu.Of(g).ToString("F1", CultureInfo.InvariantCulture)))} "
        + $"| {groups.Sum(cpu.Of).ToString("F1", CultureInfo.InvariantCulture)} | {cpu.BoxBusy:P0} |";
}

static MySqlShardOptions Copy(MySqlShardOptions options, string prefix) => new()
{
    ConnectionString = options.ConnectionString,
    ShardConnectionStrings = options.ShardConnectionStrings,
    LogConnectionString = options.LogConnectionString,
    DatabasePrefix = prefix,
    MaxPoolSizePerShard = options.MaxPoolSizePerShard,
};

static async Task DropAsync(MySqlShardConnections shards, CancellationToken cancellationToken)
{
    foreach (var database in shards.AllDatabaseNames)
    {
        await using var connection = await shards.OpenServerOfAsync(database, cancellationToken);
        await using var drop = new MySqlCommand($"DROP DATABASE IF EXISTS `{database}`", connection);
        await drop.ExecuteNonQueryAsync(cancellationToken);
    }
}

static async Task<(long Participation, long Ballots)> CountAsync(MySqlShardConnections shards, string election, CancellationToken cancellationToken)
{
    long participation = 0, ballots = 0;
    for (var shard = 0; shard < ShardLayout.DatabaseCount; shard++)
    {
        await using var connection = await shards.OpenShardAsync(shard, cancellationToken);
        for (var table = 0; table < ShardLayout.TablesPerDatabase; table++)
        {
            await using var count = new MySqlCommand(
                $"SELECT (SELECT COUNT(*) FROM `{ShardLayout.ParticipationTable(table)}` WHERE election_id = @e), (SELECT COUNT(*) FROM `{ShardLayout.BallotTable(table)}` WHERE election_id = @e)",
                connection);
            count.Parameters.AddWithValue("@e", election);
            await using var reader = await count.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            participation += reader.GetInt64(0);
            ballots += reader.GetInt64(1);
        }
    }

    return (participation, ballots);
}

static async Task DropClickHouseAsync(ClickHouseOptions options, string database)
{
    var builder = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = options.ConnectionString };
    var host = builder.TryGetValue("Host", out var h) ? h : "127.0.0.1";
    var port = builder.TryGetValue("Port", out var p) ? p : "8123";
    using var http = new HttpClient();
    try
    {
        using var response = await http.PostAsync(new Uri($"http://{host}:{port}/"), new StringContent($"DROP DATABASE IF EXISTS `{database}`"));
    }
    catch (HttpRequestException)
    {
        // best effort: a bench database left behind is harmless and named bench_*
    }
}

static BenchArguments? ParseArgs(string[] args)
{
    var parsed = new BenchArguments();
    for (var i = 0; i < args.Length; i += 2)
    {
        if (i + 1 >= args.Length)
        {
            return null;
        }

        var value = args[i + 1];
        switch (args[i])
        {
            case "--processor": parsed = parsed with { ProcessorDll = Path.GetFullPath(value) }; break;
            case "--votes" when int.TryParse(value, out var n) && n > 0: parsed = parsed with { Votes = n }; break;
            case "--raw-votes-per-transaction" when ParseSizes(value) is { } sizes: parsed = parsed with { RawVotesPerTransaction = sizes }; break;
            case "--port" when int.TryParse(value, out var n): parsed = parsed with { Port = n }; break;
            case "--log-appenders" when ParseSizes(value) is { } counts: parsed = parsed with { LogAppenders = counts, Out = parsed.OutGiven ? parsed.Out : "bench/results/log-append.md" }; break;
            case "--out": parsed = parsed with { Out = value, OutGiven = true }; break;
            default: return null;
        }
    }

    return parsed.LogAppenders is not null || File.Exists(parsed.ProcessorDll) ? parsed : null;
}

static int[]? ParseSizes(string value)
{
    var sizes = value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
    var parsed = sizes.Select(v => int.TryParse(v, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : 0).ToArray();
    return parsed.Length > 0 && parsed.All(n => n > 0) ? parsed : null;
}

/// <summary>Command-line settings of the processor benchmark.</summary>
internal sealed record BenchArguments(
    string ProcessorDll = "", int Votes = 1_000_000, int Port = 5192, string Out = "bench/results/processor.md")
{
    /// <summary>Transaction sizes the raw ceiling is measured at; the best rate is the ceiling.</summary>
    public int[] RawVotesPerTransaction { get; init; } = [1000, 2000, 4000, 8000, 16000];

    /// <summary>Set: measure the Merkle log append alone, with these numbers of appenders at once.</summary>
    public int[]? LogAppenders { get; init; }

    public bool OutGiven { get; init; }
}
