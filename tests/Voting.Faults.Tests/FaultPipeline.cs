using Voting.Core.Audit;
using Voting.Core.Merkle;
using Voting.Infrastructure.ClickHouse;
using Voting.Infrastructure.Identity;
using Voting.Infrastructure.Kafka;
using Voting.Infrastructure.MySql;
using Voting.Infrastructure.Storage;
using Voting.TestSupport;

namespace Voting.Faults.Tests;

/// <summary>
/// The whole write pipeline as real child processes — ingest instances, the processor and (when asked)
/// the audit service — on this test's own election, topic, consumer group, databases and Redis keys,
/// over the shared local servers.
/// </summary>
public sealed class FaultPipeline : IAsyncDisposable
{
    public static readonly string[] Candidates = ["harper", "morgan", "reyes"];
    public static readonly string[] States = ["PA", "OH", "CA", "TX", "WY", "GA"];

    private readonly List<ChildService> ingest = [];
    private readonly List<ChildService> others = [];
    private readonly string? logFolder;

    public FaultPipeline(string name, bool keepLogs = false)
    {
        Election = LocalStack.UniqueName("f_" + name);
        Kafka = LocalStack.Kafka(LocalStack.UniqueName("itf_" + name));
        Kafka.ProcessorGroup = Kafka.VotesTopic + "-group";
        Shards = new MySqlShardConnections(LocalStack.MySql(LocalStack.UniqueName("itf") + "_s"));
        Tallies = new ClickHouseTallyStore(LocalStack.ClickHouse(LocalStack.UniqueName("itf")));
        RedisPrefix = LocalStack.UniqueName("itf") + ":";
        if (keepLogs)
        {
            logFolder = Directory.CreateTempSubdirectory("voting-fault-logs-").FullName;
        }
    }

    public string Election { get; }

    public KafkaOptions Kafka { get; }

    public MySqlShardConnections Shards { get; }

    public ClickHouseTallyStore Tallies { get; }

    public string RedisPrefix { get; }

    public Uri? AuditAddress { get; private set; }

    /// <summary>The addresses of the ingest instances started so far (some may have been killed).</summary>
    public IReadOnlyList<Uri> IngestAddresses => [.. ingest.Select(i => i.BaseAddress)];

    public VoterTokenIssuer Tokens { get; } = new(LocalStack.Bind<VoterTokenOptions>(VoterTokenOptions.Section), TimeProvider.System);

    /// <summary>Settings every child gets; tests may add to them before <see cref="StartAsync"/>.</summary>
    public Dictionary<string, string> Settings { get; } = [];

    /// <summary>Every line the children printed, when the pipeline keeps logs.</summary>
    public IEnumerable<string> LogFiles => logFolder is null ? [] : Directory.EnumerateFiles(logFolder);

    public string ChildOutput => string.Join("\n", ingest.Concat(others).Select(c => $"--- {c.BaseAddress}\n{c.RecentOutput}"));

    /// <summary>
    /// Every distinct reason the audit gave for keeping a checkpoint queued, with how often and for
    /// which sizes, in order of first appearance (from the kept logs; the child's recent output only
    /// shows the last few). Empty without kept logs.
    /// </summary>
    public string AnchoringErrors()
    {
        const string marker = "failed, kept queued: ";
        var reasons = new OrderedDictionary<string, (int Count, string First, string Last)>(StringComparer.Ordinal);
        foreach (var file in LogFiles.Where(f => Path.GetFileName(f).StartsWith("Voting.Audit", StringComparison.Ordinal)))
        {
            foreach (var line in File.ReadLines(file))
            {
                var at = line.IndexOf(marker, StringComparison.Ordinal);
                if (at < 0)
                {
                    continue;
                }

                var reason = line[(at + marker.Length)..];
                var size = line[..at].Split(' ', StringSplitOptions.RemoveEmptyEntries).LastOrDefault() ?? "?";
                reasons[reason] = reasons.TryGetValue(reason, out var seen) ? (seen.Count + 1, seen.First, size) : (1, size, size);
            }
        }

        return string.Join("\n", reasons.Select(r =>
            $"  {r.Value.Count} × at size {(r.Value.First == r.Value.Last ? r.Value.First : r.Value.First + " to " + r.Value.Last)}: {r.Key}"));
    }

    public string TokenFor(string voterId, string state) => Tokens.Issue(voterId, state, Election);

    private Dictionary<string, string> Environment()
    {
        var environment = PipelineEnvironment.For(
            Election, "Fault suite election", Kafka, Shards.Options.DatabasePrefix, Tallies.Options.Database, RedisPrefix, PseudonymSecret, Candidates, devAccount: 5);
        environment["Voting__Ingest__PerVoterPermitsPerMinute"] = "0";
        environment["Voting__Ingest__PerClientPermitsPerSecond"] = "1000000";
        environment["Voting__Ingest__PerClientBurst"] = "1000000";
        foreach (var (key, value) in Settings)
        {
            environment[key] = value;
        }

        return environment;
    }

    public static byte[] PseudonymSecret { get; } = [.. Enumerable.Range(7, 32).Select(i => (byte)i)];

    /// <summary>Creates the topics, then starts the processor, the audit service if asked, and <paramref name="ingestInstances"/> ingest instances.</summary>
    public async Task StartAsync(int ingestInstances, bool processor = true, bool audit = false)
    {
        // A 0.9 broker creates a topic when first asked for it; a consumer subscribed before then only sees it later.
        using (var positions = new KafkaPositions(Kafka))
        {
            await Eventually.TrueAsync(() => Task.FromResult(positions.Partitions(Kafka.VotesTopic).Count > 0 && positions.Partitions(Kafka.DeadLetterTopic).Count > 0), "the test's topics created");
        }

        var starting = new List<ChildService>();
        if (processor)
        {
            processorService = Start("Voting.Processor", others);
            starting.Add(processorService);
        }

        if (audit)
        {
            var auditService = Start("Voting.Audit", others);
            starting.Add(auditService);
            AuditAddress = auditService.BaseAddress;
        }

        for (var i = 0; i < ingestInstances; i++)
        {
            starting.Add(Start("Voting.Ingest", ingest));
        }

        foreach (var child in starting)
        {
            await child.WaitUntilReadyAsync(TimeSpan.FromSeconds(120));
        }
    }

    private ChildService Start(string assembly, List<ChildService> into)
    {
        var child = ChildService.Start(assembly, Environment(), logFolder is null ? null : Path.Combine(logFolder, $"{assembly}-{Guid.NewGuid():N}.log"));
        into.Add(child);
        return child;
    }

    private ChildService? processorService;

    /// <summary>SIGKILL of the processor.</summary>
    public Task KillProcessorAsync() => processorService!.KillAsync();

    /// <summary>A new processor process (a restart after a crash).</summary>
    public async Task StartProcessorAsync()
    {
        processorService = Start("Voting.Processor", others);
        await processorService.WaitUntilReadyAsync(TimeSpan.FromSeconds(120));
    }

    /// <summary>SIGKILL of ingest instance <paramref name="index"/>, as a crash would.</summary>
    public Task KillIngestAsync(int index) => ingest[index].KillAsync();

    /// <summary>A new ingest instance (a restart after a crash): a new address, added to <see cref="IngestAddresses"/>.</summary>
    public async Task<Uri> StartIngestAsync()
    {
        var child = Start("Voting.Ingest", ingest);
        await child.WaitUntilReadyAsync(TimeSpan.FromSeconds(120));
        return child.BaseAddress;
    }

    /// <summary>
    /// Every ballot hash in the election's Merkle log (the processor's committed order), as hex; not
    /// the void leaves of ranges a crashed or cut-off appender held, which are no ballots.
    /// </summary>
    public async Task<List<string>> StoredReceiptsAsync()
    {
        var log = new MerkleLogReader(Shards);
        var size = await log.TreeSizeAsync(Election, CancellationToken.None);
        return await log.LeavesAsync(Election, 0, size, CancellationToken.None)
            .Where(l => !VoidLeaf.Is(Election, l.Index, l.BallotHash))
            .Select(l => Convert.ToHexStringLower(l.BallotHash)).ToListAsync();
    }

    /// <summary>The election's log size: ballots and void leaves, every position below filled.</summary>
    public Task<long> LogSizeAsync() => new MerkleLogReader(Shards).TreeSizeAsync(Election, CancellationToken.None);

    /// <summary>Rows of the election in the participation and the ballot tables of all 16 × 64 shards.</summary>
    public Task<(long Participation, long Ballots)> CountRowsAsync() => ElectionRows.CountAsync(Shards, Election);

    /// <summary>
    /// Waits until the processor has committed everything on the votes topic and the tallies of what it
    /// stored are in ClickHouse (the outbox shipped), then returns the ledger of stored receipts.
    /// </summary>
    public async Task SettleAsync(int seconds = 120)
    {
        using var positions = new KafkaPositions(Kafka);
        var ends = positions.Ends(Kafka.VotesTopic);
        await Eventually.TrueAsync(() => positions.HasProcessedAsync(Kafka.ProcessorGroup, Kafka.VotesTopic, ends), () => "the processor caught up with the votes topic\n" + ChildOutput, seconds);
        var reconciliation = new TallyReconciliation(Shards, Tallies);
        long stored = -1, tallied = -2;
        await Eventually.TrueAsync(
            async () => (stored = (await reconciliation.MySqlCountsAsync(Election, CancellationToken.None)).Values.Sum())
                        == (tallied = (await reconciliation.ClickHouseCountsAsync(Election, CancellationToken.None)).Values.Sum()),
            () => $"the tallies in ClickHouse ({tallied}) equal to the stored ballots ({stored})\n{ChildOutput}", seconds);

        // Every range of the log filled (a range a crashed appender held is released by the next
        // append or checkpoint), so the log's size covers every stored ballot.
        var log = new MerkleLogReader(Shards);
        long size = -1, reserved = -2;
        await Eventually.TrueAsync(
            async () => (size = await log.TreeSizeAsync(Election, CancellationToken.None)) == (reserved = await log.ReservedSizeAsync(Election, CancellationToken.None)),
            () => $"every log range filled (size {size}, handed out {reserved})\n{ChildOutput}", seconds);
    }

    /// <summary>Runs an audit through the audit service and returns its report.</summary>
    public async Task<AuditReport> AuditAsync()
    {
        using var client = new HttpClient { BaseAddress = AuditAddress ?? throw new InvalidOperationException("the pipeline runs no audit service"), Timeout = TimeSpan.FromMinutes(2) };
        using var response = await client.PostAsync(new Uri($"/api/v1/audit/elections/{Election}/audits", UriKind.Relative), null);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"audit run answered {(int)response.StatusCode}: {body}");
        return System.Text.Json.JsonSerializer.Deserialize(body, AuditJsonContext.Default.AuditReport)!;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var child in ingest.Concat(others))
        {
            await child.DisposeAsync();
        }

        await TestStores.DropAsync(Shards, Tallies);
        if (logFolder is not null)
        {
            Directory.Delete(logFolder, recursive: true);
        }
    }
}
