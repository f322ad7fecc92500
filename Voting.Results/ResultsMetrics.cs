using System.Diagnostics.Metrics;
using Voting.ServiceDefaults;

namespace Voting.Results;

/// <summary>How the results cache is doing.</summary>
public sealed class ResultsMetrics
{
    public ResultsMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(ServiceDefaultsExtensions.MeterName);
        BackendQueries = meter.CreateCounter<long>("voting.results.backend_queries", description: "Queries that reached ClickHouse");
        CacheHits = meter.CreateCounter<long>("voting.results.cache_hits", description: "Results served from a cache, by level");
    }

    public Counter<long> BackendQueries { get; }

    public Counter<long> CacheHits { get; }
}
