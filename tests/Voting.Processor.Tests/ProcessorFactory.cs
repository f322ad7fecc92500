using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Testing;
using Voting.Core.Ballots;
using Voting.Core.Identity;
using Voting.Infrastructure.ClickHouse;
using Voting.Infrastructure.Kafka;
using Voting.Infrastructure.MySql;
using Voting.Infrastructure.Storage;
using Voting.TestSupport;

namespace Voting.Processor.Tests;

/// <summary>The real processor on the real stack with its own topic, consumer group, shard databases and tally database.</summary>
public sealed class ProcessorFactory : WebApplicationFactory<Program>
{
    private readonly string topic;
    private readonly bool ownsStores;

    public ProcessorFactory()
        : this(logConnectionString: "")
    {
    }

    private ProcessorFactory(string logConnectionString)
    {
        topic = LocalStack.UniqueName("it_votes");
        var shards = LocalStack.MySql(LocalStack.UniqueName("itp") + "_s");
        shards.LogConnectionString = logConnectionString;
        Shards = new(shards);
        Tallies = new(LocalStack.ClickHouse(LocalStack.UniqueName("itp")));
        ownsStores = true;
    }

    private ProcessorFactory(ProcessorFactory sameGroupAs)
    {
        topic = sameGroupAs.topic;
        Shards = sameGroupAs.Shards;
        Tallies = new(sameGroupAs.Tallies.Options);
    }

    public MySqlShardConnections Shards { get; }

    public ClickHouseTallyStore Tallies { get; }

    /// <summary>A processor whose Merkle log lives on the server <paramref name="logConnectionString"/> names.</summary>
    public static ProcessorFactory WithLogOn(string logConnectionString) => new(logConnectionString);

    /// <summary>A second processor instance in the same consumer group, on the same topic and stores.</summary>
    public static ProcessorFactory JoiningGroupOf(ProcessorFactory first) => new(first);

    public KafkaOptions Kafka => LocalStack.Kafka(topic);

    /// <summary>The consumer group of this factory's processors, in process or child.</summary>
    private string Group => topic + "-group";

    /// <summary>
    /// Settings that point a processor started as a child process (<see cref="ChildService"/>) at this
    /// factory's topic, consumer group and stores (its log's server too, when it has one), with
    /// batches of <paramref name="batchSize"/>.
    /// </summary>
    public Dictionary<string, string> ChildEnvironment(int batchSize)
    {
        var environment = new Dictionary<string, string>
        {
            ["Voting__Kafka__VotesTopic"] = Kafka.VotesTopic,
            ["Voting__Kafka__DeadLetterTopic"] = Kafka.DeadLetterTopic,
            ["Voting__Kafka__ProcessorGroup"] = Group,
            ["Voting__MySql__DatabasePrefix"] = Shards.Options.DatabasePrefix,
            ["Voting__ClickHouse__Database"] = Tallies.Options.Database,
            ["Voting__Processor__BatchSize"] = batchSize.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        if (Shards.Options.LogConnectionString is { Length: > 0 } logServer)
        {
            environment["Voting__MySql__LogConnectionString"] = logServer;
        }

        return environment;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(LocalStack.Environment);
        builder.ConfigureAppConfiguration((_, configuration) => configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Voting:Kafka:VotesTopic"] = topic,
            ["Voting:Kafka:DeadLetterTopic"] = topic + ".dlq",
            ["Voting:Kafka:ProcessorGroup"] = Group,
            ["Voting:MySql:DatabasePrefix"] = Shards.Options.DatabasePrefix,
            ["Voting:MySql:LogConnectionString"] = Shards.Options.LogConnectionString,
            ["Voting:ClickHouse:Database"] = Tallies.Options.Database,
            ["Voting:Processor:MaxBatchWaitMilliseconds"] = "50",
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:Microsoft.Extensions.Diagnostics.HealthChecks"] = "None",
            ["Logging:LogLevel:Voting.Processor.Consuming.VoteBatchConsumer"] = "Information", // partition assignments
        }));
        builder.ConfigureServices(services => services.AddFakeLogging());
    }

    /// <summary>What this instance logged.</summary>
    public FakeLogCollector Logs => Services.GetRequiredService<FakeLogCollector>();

    /// <summary>The votes topic's partitions this instance was last assigned (none before its first assignment).</summary>
    public IReadOnlyList<int> AssignedPartitions()
    {
        const string Assigned = "Assigned partitions ";
        var last = Logs.GetSnapshot().LastOrDefault(r => r.Message.StartsWith(Assigned, StringComparison.Ordinal))?.Message[Assigned.Length..];
        return string.IsNullOrEmpty(last) ? [] : [.. last.Split(',').Select(p => int.Parse(p, System.Globalization.CultureInfo.InvariantCulture))];
    }

    /// <summary>Starts the host and waits until it is ready (schema in place, servers answering).</summary>
    public async Task<HttpClient> StartAsync()
    {
        var client = CreateClient();
        await ServiceReadiness.WaitUntilReadyAsync(client, TimeSpan.FromSeconds(120));
        return client;
    }

    /// <summary>Votes as ingest would produce them, for <paramref name="voters"/> distinct voters of <paramref name="electionId"/>.</summary>
    public static List<VoteMessage> Votes(string electionId, int voters, string[] candidates, int firstVoter = 0)
    {
        string[] states = ["CA", "TX", "WY", "PA", "OH", "DC"];
        return [.. Enumerable.Range(firstVoter, voters).Select(i =>
        {
            var ballot = Ballot.New(electionId, states[i % states.Length], candidates[i % candidates.Length]);
            return new VoteMessage(1, electionId, VoterPseudonym.Compute(new byte[32], electionId, "voter-" + i), ballot.State,
                ballot.Candidate, ballot.BallotId, BallotHash.Compute(ballot), DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        })];
    }

    public Task ProduceAsync(IEnumerable<VoteMessage> votes) => TopicWriter.ProduceAsync(Kafka, votes);

    /// <summary>End of the votes topic minus the processor group's committed offsets, over all partitions, as the broker has them.</summary>
    public async Task<long> CommittedLagAsync()
    {
        using var admin = new Confluent.Kafka.AdminClientBuilder(KafkaClientConfigs.Admin(Kafka)).Build();
        using var reader = new Confluent.Kafka.ConsumerBuilder<byte[], byte[]>(KafkaClientConfigs.Consumer(Kafka, LocalStack.UniqueName("lag"))).Build();
        var partitions = admin.GetMetadata(Kafka.VotesTopic, TimeSpan.FromSeconds(10)).Topics.Single().Partitions
            .Select(p => new Confluent.Kafka.TopicPartition(Kafka.VotesTopic, p.PartitionId)).ToList();
        var committed = (await admin.ListConsumerGroupOffsetsAsync([new Confluent.Kafka.ConsumerGroupTopicPartitions(Group, partitions)]))
            .SelectMany(r => r.Partitions).ToDictionary(p => p.Partition.Value, p => p.Offset.IsSpecial ? 0 : p.Offset.Value);
        return partitions.Sum(p => reader.QueryWatermarkOffsets(p, TimeSpan.FromSeconds(10)).High.Value - committed.GetValueOrDefault(p.Partition.Value));
    }

    /// <summary>
    /// Waits until the processors committed everything on the votes topic, the election's tallies
    /// reconcile with MariaDB (counting what is still on its way, as <c>reconcile</c> does) and ClickHouse
    /// itself holds a vote for every stored ballot: only then has a redelivered or late message had its
    /// chance to change something, so totals read afterwards, from either store, are final.
    /// </summary>
    public async Task WaitUntilDrainedAsync(string electionId)
    {
        await EventuallyAsync(async () => await CommittedLagAsync() == 0, "every message on the votes topic consumed and committed");
        await EventuallyAsync(async () => (await Reconciliation.CompareAsync(electionId, CancellationToken.None)).Count == 0, "the tallies reconciled with MariaDB");
        await EventuallyAsync(
            async () => (await ClickHouseCountsAsync(electionId)).Values.Sum() == (await CountRowsAsync(electionId)).Ballots,
            "the tallies shipped to ClickHouse");
    }

    /// <summary>Produces one message as given to the votes topic; returns where it landed.</summary>
    public async Task<Confluent.Kafka.TopicPartitionOffset> ProduceRawAsync(byte[] key, byte[] value)
    {
        using var producer = new Confluent.Kafka.ProducerBuilder<byte[], byte[]>(KafkaClientConfigs.Producer(Kafka)).Build();
        return (await producer.ProduceAsync(Kafka.VotesTopic, new Confluent.Kafka.Message<byte[], byte[]> { Key = key, Value = value })).TopicPartitionOffset;
    }

    /// <summary>(participation rows, ballot rows) of an election across all 16 × 64 tables.</summary>
    public Task<(long Participation, long Ballots)> CountRowsAsync(string electionId) => ElectionRows.CountAsync(Shards, electionId);

    public TallyReconciliation Reconciliation => new(Shards, Tallies);

    public MerkleLogReader Log => new(Shards);

    /// <summary>A factory whose stores have the shard and Merkle log schemas in place (no processor host started).</summary>
    public static async Task<ProcessorFactory> MigratedAsync()
    {
        var factory = new ProcessorFactory();
        var migrator = new MySqlSchemaMigrator(factory.Shards, TestLoggers.For<MySqlSchemaMigrator>());
        await migrator.MigrateAsync(MySqlMigrations.All, CancellationToken.None);
        await migrator.MigrateLogAsync(MerkleLogMigrations.All, CancellationToken.None);
        return factory;
    }

    /// <summary>
    /// The election's Merkle log holds exactly <paramref name="count"/> leaves: positions 0..count-1,
    /// each used once, by the ballot whose hash is the leaf (no void leaf).
    /// </summary>
    public async Task AssertLogExactAsync(string electionId, int count) =>
        Assert.Equal(0, await AssertLogHoldsEachBallotOnceAsync(electionId, count));

    /// <summary>
    /// Every ballot of the election is in the log once, under the leaf its row holds, and every other
    /// leaf below the log's size is the void leaf of its position (a range handed to an appender that
    /// found its ballots logged already, with another range handed out after it). Returns the voids.
    /// </summary>
    public async Task<int> AssertLogHoldsEachBallotOnceAsync(string electionId, int ballots)
    {
        var size = 0L;
        await EventuallyAsync(
            async () => await StoredBallots(electionId) is var rows && rows.Count >= ballots && rows.All(b => b.LeafIndex is not null)
                        && (size = await Log.TreeSizeAsync(electionId, CancellationToken.None)) > rows.Select(b => b.LeafIndex!.Value).DefaultIfEmpty(-1).Max(),
            $"{ballots} ballot rows with their leaf indices, all below the log's size");
        var leaves = await Log.LeavesAsync(electionId, 0, size, CancellationToken.None).ToDictionaryAsync(l => l.Index, l => l.BallotHash);
        Assert.Equal(size, leaves.Count);
        var stored = await StoredBallots(electionId);
        Assert.Equal(ballots, stored.Count);
        Assert.All(stored, b => Assert.Equal(Convert.ToHexString(leaves[b.LeafIndex!.Value]), Convert.ToHexString(b.BallotHash)));
        var withRow = stored.Select(b => b.LeafIndex!.Value).ToHashSet();
        Assert.Equal(ballots, withRow.Count);
        var others = leaves.Where(l => !withRow.Contains(l.Key)).ToList();
        Assert.All(others, l => Assert.True(Voting.Core.Merkle.VoidLeaf.Is(electionId, l.Key, l.Value), $"leaf {l.Key} has no row and is not void"));
        return others.Count;
    }

    /// <summary>Every ballot row of an election, with its leaf index.</summary>
    public async Task<List<StoredBallot>> StoredBallots(string electionId) =>
        await new StoredBallotReader(Shards).ReadAllAsync(electionId, CancellationToken.None).ToListAsync();

    /// <summary>Ballots per "STATE/candidate" as MySQL stores them.</summary>
    public Task<Dictionary<string, long>> MySqlCountsAsync(string electionId) => Reconciliation.MySqlCountsAsync(electionId, CancellationToken.None);

    /// <summary>Votes per "STATE/candidate" in ClickHouse alone (each batch once).</summary>
    public Task<Dictionary<string, long>> ClickHouseCountsAsync(string electionId) => Reconciliation.ClickHouseCountsAsync(electionId, CancellationToken.None);

    public static async Task EventuallyAsync(Func<Task<bool>> condition, string what, int seconds = 90)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"not within {seconds} s: {what}");
            await Task.Delay(250);
        }
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (!ownsStores)
        {
            Tallies.Dispose();
            return;
        }

        await TestStores.DropAsync(Shards, Tallies);
        Tallies.Dispose();
    }
}
