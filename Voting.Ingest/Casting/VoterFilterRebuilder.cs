using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using Voting.Infrastructure.Elections;
using Voting.Infrastructure.Kafka;
using Voting.Infrastructure.MySql;
using Voting.Infrastructure.Redis;

namespace Voting.Ingest.Casting;

/// <summary>
/// Builds an election's "already voted?" filter when Redis has none — first start, or its data lost —
/// without ever letting a second ballot of one voter through:
/// <list type="number">
/// <item>while the filter is missing, nobody is admitted (503, try again);</item>
/// <item>casts that were in flight when it was lost are given time to finish (the Kafka ack timeout);</item>
/// <item>the rebuild waits until the processor has stored everything on the votes topic, so the
/// participation tables hold every voter accepted before the loss;</item>
/// <item>from then on every voter is checked against those tables ("exact" state) while the filter is
/// refilled from them, and once full it is trusted again ("ready").</item>
/// </list>
/// One instance rebuilds at a time (a Redis lock); every instance watches for a lost filter.
/// </summary>
public sealed partial class VoterFilterRebuilder(
    ElectionRegistry elections,
    VoterGate gate,
    ParticipationScan participation,
    KafkaOptions kafka,
    IConnectionMultiplexer redis,
    RedisOptions redisOptions,
    IOptions<IngestOptions> options,
    TimeProvider clock,
    ILogger<VoterFilterRebuilder> logger) : BackgroundService
{
    private const int PageSize = 5_000;
    private static readonly TimeSpan LockLifetime = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan WatchInterval = TimeSpan.FromSeconds(1);

    private readonly ConcurrentDictionary<string, SemaphoreSlim> nudges = new(StringComparer.Ordinal);
    private readonly IngestOptions settings = options.Value;

    /// <summary>A cast found the election's filter missing: start the rebuild now rather than at the next watch.</summary>
    public void Nudge(string electionId)
    {
        var nudge = nudges.GetOrAdd(electionId, _ => new SemaphoreSlim(0));
        if (nudge.CurrentCount == 0)
        {
            nudge.Release();
        }
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        // Each election on its own: one waiting for the processor must not hold up another.
        Task.WhenAll(elections.All.Where(e => e.ClosesAt > clock.GetUtcNow()).Select(e => WatchAsync(e.Id, stoppingToken)));

    private async Task WatchAsync(string electionId, CancellationToken stoppingToken)
    {
        await Task.Yield();
        string? lastError = null;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await EnsureAsync(electionId, stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Once per distinct cause (before the schema exists, every round fails the same way).
                if (e.Message != lastError)
                {
                    lastError = e.Message;
                    LogRebuildFailed(logger, electionId, e.Message);
                }
            }

            try
            {
                await nudges.GetOrAdd(electionId, _ => new SemaphoreSlim(0)).WaitAsync(WatchInterval, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task EnsureAsync(string electionId, CancellationToken cancellationToken)
    {
        if (await gate.FilterStateAsync(electionId) == VoterFilterState.Ready)
        {
            return;
        }

        var lockKey = (RedisKey)$"{redisOptions.KeyPrefix}filter-rebuild:{electionId}";
        await using var lease = await RedisLease.TryAcquireAsync(redis.GetDatabase(), lockKey, LockLifetime, clock);
        if (lease is null)
        {
            return; // another instance is rebuilding; the watch sees when it is done
        }

        // The lease is renewed for as long as the rebuild takes; if it is lost (taken over after Redis
        // hung for a whole lifetime, or gone with Redis's data) this rebuild stops and the watch starts over.
        using var work = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, lease.Lost);
        try
        {
            await RebuildAsync(electionId, work.Token);
        }
        catch (OperationCanceledException) when (lease.Lost.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            LogLeaseLost(logger, electionId);
        }
    }

    private async Task RebuildAsync(string electionId, CancellationToken cancellationToken)
    {
        var started = Stopwatch.StartNew();
        if (await gate.FilterStateAsync(electionId) == VoterFilterState.Missing)
        {
            LogFilterMissing(logger, electionId);
            if (await WaitForEverythingAcceptedToBeStoredAsync(cancellationToken))
            {
                cancellationToken.ThrowIfCancellationRequested();
                await gate.SetFilterStateAsync(electionId, VoterFilterState.Ready);
                return;
            }

            cancellationToken.ThrowIfCancellationRequested();
            await gate.SetFilterStateAsync(electionId, VoterFilterState.Exact);
        }

        var voters = 0L;
        var progress = Stopwatch.StartNew();
        await foreach (var page in participation.PagesAsync(electionId, PageSize, cancellationToken))
        {
            await gate.AddToFilterAsync(electionId, page);
            voters += page.Count;
            if (progress.Elapsed > TimeSpan.FromSeconds(5))
            {
                LogRefillProgress(logger, electionId, voters);
                progress.Restart();
            }
        }

        cancellationToken.ThrowIfCancellationRequested();
        if (!await gate.PromoteFilterToReadyAsync(electionId))
        {
            return; // lost again while refilling (checked shard by shard as each is promoted): the next round starts over
        }

        LogFilterReady(logger, electionId, voters, started.Elapsed.TotalSeconds);
    }

    /// <summary>
    /// Until the processor has committed everything on the votes topic as it stands once in-flight casts
    /// have finished. True when the topic has never held a vote (a new deployment): then there is
    /// nobody to look up and the empty filter is trusted at once.
    /// </summary>
    private async Task<bool> WaitForEverythingAcceptedToBeStoredAsync(CancellationToken cancellationToken)
    {
        using var positions = new KafkaPositions(kafka);
        if (positions.Ends(kafka.VotesTopic).Values.All(end => end == 0))
        {
            // Nothing was ever produced: nobody has voted, so an empty filter is complete. (Only the very
            // first vote of a deployment, in flight at the moment Redis lost its data, escapes this.)
            return true;
        }

        // A cast admitted before the loss may still be waiting for its Kafka ack; it gives up within the ack timeout.
        await Task.Delay(TimeSpan.FromMilliseconds(settings.KafkaAckTimeoutMilliseconds) + TimeSpan.FromSeconds(1), clock, cancellationToken);

        var ends = positions.Ends(kafka.VotesTopic);
        var waited = Stopwatch.StartNew();
        var lastReport = TimeSpan.Zero;
        while (!await positions.HasProcessedAsync(kafka.ProcessorGroup, kafka.VotesTopic, ends))
        {
            if (waited.Elapsed - lastReport > TimeSpan.FromSeconds(10))
            {
                lastReport = waited.Elapsed;
                LogWaitingForProcessor(logger, kafka.ProcessorGroup, kafka.VotesTopic, (int)waited.Elapsed.TotalSeconds);
            }

            await Task.Delay(TimeSpan.FromMilliseconds(500), clock, cancellationToken);
        }

        return false;
    }

    public override void Dispose()
    {
        foreach (var nudge in nudges.Values)
        {
            nudge.Dispose();
        }

        base.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Duplicate filter of election {ElectionId} missing (first start, or Redis lost its data): refusing votes until everything accepted is stored, then rebuilding")]
    private static partial void LogFilterMissing(ILogger logger, string electionId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Filter rebuild waiting for consumer group {Group} to process {Topic} ({Seconds} s so far); votes are refused meanwhile")]
    private static partial void LogWaitingForProcessor(ILogger logger, string group, string topic, int seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Refilling the duplicate filter of election {ElectionId}: {Voters} recorded voters so far")]
    private static partial void LogRefillProgress(ILogger logger, string electionId, long voters);

    [LoggerMessage(Level = LogLevel.Information, Message = "Duplicate filter of election {ElectionId} ready: {Voters} recorded voters in {Seconds:F1} s")]
    private static partial void LogFilterReady(ILogger logger, string electionId, long voters, double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Duplicate filter rebuild of election {ElectionId} stopped: its Redis lease was lost (Redis unreachable for its whole lifetime, or its data lost); starting over")]
    private static partial void LogLeaseLost(ILogger logger, string electionId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Duplicate filter of election {ElectionId} not rebuilt yet: {Error}; trying again")]
    private static partial void LogRebuildFailed(ILogger logger, string electionId, string error);
}
