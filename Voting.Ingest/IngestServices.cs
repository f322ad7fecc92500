using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Voting.Infrastructure.Hosting;
using Voting.Infrastructure.Kafka;
using Voting.Infrastructure.MySql;
using Voting.Infrastructure.Redis;
using Voting.Ingest.Casting;

namespace Voting.Ingest;

/// <summary>What the write path needs, wired once.</summary>
public static class IngestServices
{
    public static IServiceCollection AddIngest(this IServiceCollection services)
    {
        // MariaDB down costs ingest only the voters its filter cannot clear (503 for them), so it is
        // degraded, not unready: an outage of one shard server must not take every ingest pod out of
        // the load balancer. Kafka and Redis stay required: without them no vote can be accepted.
        services.AddVotingKafka().AddVotingRedis().AddVotingMySql(unavailable: HealthStatus.Degraded);
        services.AddValidatedOptions<IngestOptions>(IngestOptions.Section);
        services.AddValidatedOptions<BloomFilterOptions>(BloomFilterOptions.Section);
        services.AddVotingElections(computesPseudonyms: true);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<VoterGate>();
        services.AddSingleton<ParticipationLookup>();
        services.AddSingleton<ParticipationScan>();
        services.AddSingleton<VoterFilterRebuilder>();
        services.AddHostedService(sp => sp.GetRequiredService<VoterFilterRebuilder>());
        services.AddHealthChecks().AddCheck<VoterFilterHealthCheck>("duplicate-filter", tags: [HealthTags.Ready]);
        services.AddSingleton(sp => new VoteProducer(
            sp.GetRequiredService<KafkaOptions>(), sp.GetRequiredService<IOptions<IngestOptions>>().Value.KafkaAckTimeoutMilliseconds));
        services.AddSingleton<IngestMetrics>();
        services.AddSingleton<VoteBatchCaster>();
        services.AddSingleton<VoteCaster>();
        return services;
    }
}
