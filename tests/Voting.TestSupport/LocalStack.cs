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

    /// <summary>
    /// The local broker's TLS listener (<c>VOTING_KAFKA_TLS_PORT</c>, 9093), which requires a client
    /// certificate: the stack's CA and the client certificate it signed (<c>.stack/kafka/tls</c>).
    /// </summary>
    public static KafkaOptions KafkaTls(string? votesTopic = null)
    {
        var options = Kafka(votesTopic);
        var port = System.Environment.GetEnvironmentVariable("VOTING_KAFKA_TLS_PORT") is { Length: > 0 } given ? given : "9093";
        options.BootstrapServers = "127.0.0.1:" + port;
        options.Security = KafkaSecurity.Tls;
        options.SslCaLocation = Path.Combine(KafkaTlsFolder, "ca.pem");
        options.SslCertificateLocation = Path.Combine(KafkaTlsFolder, "client.pem");
        options.SslKeyLocation = Path.Combine(KafkaTlsFolder, "client.key");
        return options;
    }

    /// <summary>Where <c>deploy/local/stack.sh</c> keeps the broker's CA and the client certificate.</summary>
    public static string KafkaTlsFolder =>
        System.Environment.GetEnvironmentVariable("VOTING_KAFKA_TLS_DIR") is { Length: > 0 } tls ? tls
        : Path.Combine(System.Environment.GetEnvironmentVariable("VOTING_STACK_DIR") is { Length: > 0 } dir ? Path.GetFullPath(dir) : Path.Combine(RepositoryRoot.Path, ".stack"), "kafka", "tls");

    public static MySqlShardOptions MySql(string? databasePrefix = null) =>
        Bind<MySqlShardOptions>(MySqlShardOptions.Section, o => o.DatabasePrefix = databasePrefix ?? o.DatabasePrefix);

    public static RedisOptions Redis(string? keyPrefix = null) =>
        Bind<RedisOptions>(RedisOptions.Section, o => o.KeyPrefix = keyPrefix ?? o.KeyPrefix);

    public static ClickHouseOptions ClickHouse(string? database = null) =>
        Bind<ClickHouseOptions>(ClickHouseOptions.Section, o => o.Database = database ?? o.Database);

    /// <summary>
    /// The local chain, signing as Anvil's well-known development account <paramref name="account"/>
    /// (funded on every local chain; never used anywhere else). Test projects that send transactions
    /// at the same time use different accounts, so their nonces never race.
    /// </summary>
    public static ChainOptions Chain(int account = 0) => Bind<ChainOptions>(ChainOptions.Section, o => o.AnchorPrivateKey = DevAccountKey(account));

    /// <summary>Private key of Anvil's development account <paramref name="account"/> (0–6): 0 the stack's own services (the audit tests anchor from funded accounts of their own, FundedAccount), 1 infrastructure, 2 verifier, 3 results, 4 console, 5 fault suite, 6 the audit test that counts its own transactions.</summary>
    public static string DevAccountKey(int account) => DevAccountKeys[account];

    private static readonly string[] DevAccountKeys =
    [
        "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
        "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
        "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a",
        "0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6",
        "0x47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a",
        "0x8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba",
        "0x92db14e403b83dfe3df233f83dfa3a0d7096f21ca9b0d6d6b8d88b2b4ec1564e",
    ];

    /// <summary>A short name unique to this test run, safe in topic, database and key names.</summary>
    public static string UniqueName(string prefix) => $"{prefix}_{Guid.NewGuid().ToString("N")[..10]}";

    /// <summary>Any options class bound from the shared configuration.</summary>
    public static T Bind<T>(string section)
        where T : new() => Bind<T>(section, _ => { });

    /// <summary>The local profile's voter-token settings of <paramref name="section"/> (to cast, or to look up one's vote), over that section's own defaults.</summary>
    public static Voting.Infrastructure.Identity.VoterTokenOptions VoterTokens(string section = Voting.Infrastructure.Identity.VoterTokenOptions.Section) =>
        VoterAuthentication.ReadOptions(Configuration, section);

    private static T Bind<T>(string section, Action<T> adjust)
        where T : new()
    {
        var options = new T();
        Configuration.GetSection(section).Bind(options);
        adjust(options);
        return options;
    }
}
