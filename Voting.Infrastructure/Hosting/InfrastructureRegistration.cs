using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using Voting.Infrastructure.Chain;
using Voting.Infrastructure.ClickHouse;
using Voting.Infrastructure.Kafka;
using Voting.Infrastructure.MySql;
using Voting.Infrastructure.Redis;

namespace Voting.Infrastructure.Hosting;

/// <summary>
/// One call per server a service talks to: binds and validates its options at start, registers
/// its client, its readiness check, and its schema step. Every service that uses a store brings its
/// schema up to date at start (idempotent, locked), so services can start in any order.
/// </summary>
public static class InfrastructureRegistration
{
    public static IServiceCollection AddVotingKafka(this IServiceCollection services)
    {
        services.AddValidatedOptions<KafkaOptions>(KafkaOptions.Section);
        services.AddHealthChecks().AddCheck<KafkaHealthCheck>("kafka", tags: [HealthTags.Ready]);
        services.TryAddSingleton<KafkaHealthCheck>();
        services.TryAddSingleton<KafkaTopicProvisioner>();
        services.AddSchemaStep<KafkaTopicsStep>();

        return services;
    }

    /// <param name="services">The services.</param>
    /// <param name="unavailable">What MariaDB being unreachable makes the service: unready by default;
    /// degraded for a service that still does most of its work without it (ingest).</param>
    public static IServiceCollection AddVotingMySql(this IServiceCollection services, HealthStatus unavailable = HealthStatus.Unhealthy)
    {
        services.AddValidatedOptions<MySqlShardOptions>(MySqlShardOptions.Section);
        services.TryAddSingleton<MySqlShardConnections>();
        services.AddHealthChecks().AddCheck<MySqlHealthCheck>("mysql", unavailable, tags: [HealthTags.Ready]);
        services.TryAddSingleton<MySqlSchemaMigrator>();
        services.AddSchemaStep<MySqlSchemaStep>();

        return services;
    }

    public static IServiceCollection AddVotingRedis(this IServiceCollection services)
    {
        services.AddValidatedOptions<RedisOptions>(RedisOptions.Section);
        services.TryAddSingleton<IConnectionMultiplexer>(sp =>
        {
            var options = ConfigurationOptions.Parse(sp.GetRequiredService<RedisOptions>().Configuration);
            options.AbortOnConnectFail = false;
            return ConnectionMultiplexer.Connect(options);
        });
        services.AddHealthChecks().AddCheck<RedisHealthCheck>("redis", tags: [HealthTags.Ready]);
        return services;
    }

    public static IServiceCollection AddVotingClickHouse(this IServiceCollection services)
    {
        services.AddValidatedOptions<ClickHouseOptions>(ClickHouseOptions.Section);
        services.TryAddSingleton<ClickHouseTallyStore>();
        services.AddHealthChecks().AddCheck<ClickHouseHealthCheck>("clickhouse", tags: [HealthTags.Ready]);
        services.TryAddSingleton<ClickHouseSchemaMigrator>();
        services.AddSchemaStep<ClickHouseSchemaStep>();

        return services;
    }

    /// <summary>
    /// The configured elections (section <c>Voting:Elections</c>) as an <see cref="Elections.ElectionRegistry"/>;
    /// with their pseudonym secrets (each required) only for a service that computes voter pseudonyms.
    /// </summary>
    public static IServiceCollection AddVotingElections(this IServiceCollection services, bool computesPseudonyms)
    {
        // Read one election at a time (a list binding drops an election it can't read, silently), and at
        // start: a setting that can't be read stops the service, naming it.
        services.AddOptions<List<Elections.ElectionOptions>>()
            .Configure<Microsoft.Extensions.Configuration.IConfiguration>((elections, configuration) =>
                elections.AddRange(Elections.ElectionConfiguration.Read(configuration.GetSection(Elections.ElectionOptions.Section))))
            .ValidateOnStart();
        services.TryAddSingleton(sp => new Elections.ElectionRegistry(
            sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<List<Elections.ElectionOptions>>>().Value, computesPseudonyms, sp.GetService<TimeProvider>()));
        return services;
    }

    public static IServiceCollection AddVotingChain(this IServiceCollection services)
    {
        services.AddValidatedOptions<ChainOptions>(ChainOptions.Section);
        services.TryAddSingleton<ChainClientFactory>();
        services.AddHealthChecks().AddCheck<ChainHealthCheck>("chain", tags: [HealthTags.Ready]);
        return services;
    }

    /// <summary>Binds <typeparamref name="T"/> from <paramref name="section"/>, validates it at start, and registers its value.</summary>
    public static IServiceCollection AddValidatedOptions<T>(this IServiceCollection services, string section)
        where T : class
    {
        services.AddOptions<T>().BindConfiguration(section).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton(sp => sp.GetRequiredService<IOptions<T>>().Value);
        return services;
    }

    private static void AddSchemaStep<TStep>(this IServiceCollection services)
        where TStep : class, ISchemaStep
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ISchemaStep, TStep>());
        services.TryAddSingleton<SchemaState>();
        if (services.All(d => d.ImplementationType != typeof(SchemaMigrationService)))
        {
            services.AddHostedService<SchemaMigrationService>();
            services.AddHealthChecks().AddCheck<SchemaHealthCheck>("schema", tags: [HealthTags.Ready]);
        }
    }
}
