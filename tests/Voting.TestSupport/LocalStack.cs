using Microsoft.Extensions.Configuration;
using Voting.Infrastructure.Chain;
using Voting.Infrastructure.ClickHouse;
using Voting.Infrastructure.Kafka;
using Voting.Infrastructure.MySql;
using Voting.Infrastructure.Redis;
using Voting.ServiceDefaults;

namespace Voting.TestSupport;

/// <summary>
/// Settings of the real servers started by <c>deploy/local/stack.sh up</c>, read from the same
/// files the services use (<c>voting.json</c> + <c>voting.Local.json</c> + environment), with
/// per-test names so tests never see each other's data.
/// </summary>
public static class LocalStack
{
    public const string Environment = "Local";

    public static IConfigurationRoot Configuration { get; } = VotingConfiguration.Build(Environment);

    public static KafkaOptions Kafka(string? votesTopic = null) => Bind<KafkaOptions>(KafkaOptions.Section, o =>
    {
        if (votesTopic is not null)
        {
            o.VotesTopic = votesTopic;
            o.DeadLetterTopic = votesTopic + ".dlq";
        }
    });

    public static MySqlShardOptions MySql(string? databasePrefix = null) =>
        Bind<MySqlShardOptions>(MySqlShardOptions.Section, o => o.DatabasePrefix = databasePrefix ?? o.DatabasePrefix);

    public static RedisOptions Redis(string? keyPrefix = null) =>
        Bind<RedisOptions>(RedisOptions.Section, o => o.KeyPrefix = keyPrefix ?? o.KeyPrefix);

    public static ClickHouseOptions ClickHouse(string? database = null) =>
        Bind<ClickHouseOptions>(ClickHouseOptions.Section, o => o.Database = database ?? o.Database);

    public static ChainOptions Chain() => Bind<ChainOptions>(ChainOptions.Section, _ => { });

    /// <summary>A short name unique to this test run, safe in topic, database and key names.</summary>
    public static string UniqueName(string prefix) => $"{prefix}_{Guid.NewGuid().ToString("N")[..10]}";

    /// <summary>Any options class bound from the shared configuration.</summary>
    public static T Bind<T>(string section)
        where T : new() => Bind<T>(section, _ => { });

    private static T Bind<T>(string section, Action<T> adjust)
        where T : new()
    {
        var options = new T();
        Configuration.GetSection(section).Bind(options);
        adjust(options);
        return options;
    }
}
