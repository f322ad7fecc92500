using System.Diagnostics.Metrics;
using Voting.ServiceDefaults;

namespace Voting.Results;

/// <summary>How the results cache is doing.</summary>
public sealed class ResultsMetrics
{
    private static readonly KeyValuePair<string, object?> Local = new("level", "local");
    private static readonly KeyValuePair<string, object?> Stale = new("level", "stale");
    private static readonly KeyValuePair<string, object?> Redis = new("level", "redis");

    // Counted here and read when metrics are collected: a tagged counter's Add looks its tags up in
    // the exporter's aggregator on every call, which on the read path is every request.
    private long localHits;
    private long staleHits;
    private long redisHits;

    public ResultsMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(ServiceDefaultsExtensions.MeterName);
        BackendQueries = meter.CreateCounter<long>("voting.results.backend_queries", description: "Queries that reached ClickHouse");
        meter.CreateObservableCounter(
            "voting.results.cache_hits",
            () => new Measurement<long>[]
            {
                new(Volatile.Read(ref localHits), Local),
                new(Volatile.Read(ref staleHits), Stale),
                new(Volatile.Read(ref redisHits), Redis),
            },
            description: "Results served from a cache, by level");
    }

    public Counter<long> BackendQueries { get; }

    /// <summary>A response served from this process's cache.</summary>
    public void LocalHit() => Interlocked.Increment(ref localHits);

    /// <summary>A stale response served while a refresh runs.</summary>
    public void StaleHit() => Interlocked.Increment(ref staleHits);

    /// <summary>A response found in Redis.</summary>
    public void RedisHit() => Interlocked.Increment(ref redisHits);
}
