using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using StackExchange.Redis;
using Voting.Core.Ballots;
using Voting.Core.Identity;
using Voting.Infrastructure.ClickHouse;
using Voting.Infrastructure.Identity;
using Voting.Infrastructure.MySql;
using Voting.Infrastructure.Storage;
using Voting.TestSupport;

namespace Voting.Results.Tests;

/// <summary>
/// The real results service over the real ClickHouse, Redis and MariaDB, isolated by its own shard
/// databases, ClickHouse database, Redis key prefix and elections. Ballots are stored the way the
/// processor stores them (ballot store, Merkle log appender, tally outbox), without Kafka. Its caches
/// live 300 ms locally and 500 ms shared, so tests can watch them expire.
/// </summary>
public class ResultsFactory : WebApplicationFactory<Program>
{
    /// <summary>The last of <see cref="Elections"/>: its polls have closed.</summary>
    private const int ClosedIndex = 4;

    public static readonly string[] Candidates = ["harper", "morgan", "reyes"];

    public static readonly byte[] PseudonymSecret = Enumerable.Range(7, 32).Select(i => (byte)i).ToArray();

    public ResultsFactory()
        : this(localCacheMilliseconds: 300, sharedCacheMilliseconds: 500)
    {
    }

    protected ResultsFactory(int localCacheMilliseconds, int sharedCacheMilliseconds)
    {
        Shards = new MySqlShardConnections(LocalStack.MySql(LocalStack.UniqueName("itr") + "_s"));
        Tallies = new ClickHouseTallyStore(LocalStack.ClickHouse(LocalStack.UniqueName("itr")));
        KeyPrefix = LocalStack.UniqueName("itr") + ":";
        Elections = [.. Enumerable.Range(0, ClosedIndex + 1).Select(_ => LocalStack.UniqueName("e"))];
        Settings = new Dictionary<string, string?>
        {
            ["Voting:MySql:DatabasePrefix"] = Shards.Options.DatabasePrefix,
            ["Voting:ClickHouse:Database"] = Tallies.Options.Database,
            ["Voting:Redis:KeyPrefix"] = KeyPrefix,
            // Under the test server every request comes from one (unknown) address: the lookup limit is
            // tested on its own (LookupRateLimitTests), not by whichever test polls fastest.
            ["Voting:Results:PerClientLookupsPerSecond"] = "100000",
            ["Voting:Results:PerClientLookupBurst"] = "100000",
            ["Voting:Results:LocalCacheMilliseconds"] = localCacheMilliseconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Voting:Results:SharedCacheMilliseconds"] = sharedCacheMilliseconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:Microsoft.Extensions.Diagnostics.HealthChecks"] = "None",
        };
        for (var i = 0; i < Elections.Length; i++)
        {
            foreach (var (key, value) in ElectionSettings(i))
            {
                Settings[key.Replace("__", ":", StringComparison.Ordinal)] = value;
            }
        }
    }

    public MySqlShardConnections Shards { get; }

    public ClickHouseTallyStore Tallies { get; }

    public string KeyPrefix { get; }

    /// <summary>
    /// Elections only this factory's service knows. The first four are open (each opened a minute after
    /// the one before; the fourth has registered-voter counts); the last, <see cref="ClosedElection"/>,
    /// opened before them and has closed, so its candidates' counts are published.
    /// </summary>
    public string[] Elections { get; }

    public Dictionary<string, string?> Settings { get; }

    /// <summary>The election whose polls have closed (a minute before the factory was made).</summary>
    public string ClosedElection => Elections[ClosedIndex];

    /// <summary>When the open elections close.</summary>
    public DateTimeOffset OpenElectionsCloseAt { get; } = DateTimeOffset.UtcNow.AddDays(1);

    /// <summary>Mints the tokens voters look up their own vote with (the only ones results takes).</summary>
    public VoterTokenIssuer Tokens { get; } = new(LocalStack.VoterTokens(VoterTokenOptions.LookupSection), TimeProvider.System, VoterTokenOptions.LookupSection);

    /// <summary>Mints the tokens voters cast with (ingest's): results holds no key for them and refuses them.</summary>
    public VoterTokenIssuer CastTokens { get; } = new(LocalStack.Bind<VoterTokenOptions>(VoterTokenOptions.Section), TimeProvider.System);

    public TallyReconciliation Reconciliation => new(Shards, Tallies);

    /// <summary>Election <paramref name="index"/> as environment variables (for child processes sharing these stores).</summary>
    public IEnumerable<KeyValuePair<string, string>> ElectionSettings(int index)
    {
        var at = $"Voting__Elections__{10 + index}__";
        yield return new(at + "Id", Elections[index]);
        var closed = index == ClosedIndex;
        yield return new(at + "OpensAt", DateTimeOffset.UtcNow.AddDays(closed ? -2 : -1).AddMinutes(index).ToString("O"));
        yield return new(at + "ClosesAt", (closed ? DateTimeOffset.UtcNow.AddMinutes(-1) : OpenElectionsCloseAt).ToString("O"));
        for (var c = 0; c < Candidates.Length; c++)
        {
            yield return new(at + $"Candidates__{c}", Candidates[c]);
        }

        yield return new(at + "PseudonymSecret", Convert.ToBase64String(PseudonymSecret));
        if (index == 3)
        {
            yield return new(at + "RegisteredVoters__CA", "1000");
        }
    }

    public async Task<HttpClient> StartAsync()
    {
        var client = CreateClient();
        await ServiceReadiness.WaitUntilReadyAsync(client, TimeSpan.FromSeconds(120));
        return client;
    }

    /// <summary>Stores one ballot per voter id as the processor would; returns the messages.</summary>
    public async Task<List<VoteMessage>> RecordVotesAsync(string electionId, IEnumerable<(string VoterId, string State, string Candidate)> voters)
    {
        var votes = voters.Select(v =>
        {
            var ballot = Ballot.New(electionId, v.State, v.Candidate);
            return new VoteMessage(1, electionId, VoterPseudonym.Compute(PseudonymSecret, electionId, v.VoterId), ballot.State,
                ballot.Candidate, ballot.BallotId, BallotHash.Compute(ballot), DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        }).ToList();
        await ProcessorWrites.StoreAsync(Shards, Tallies, votes);
        return votes;
    }

    public Task<List<VoteMessage>> RecordVotesAsync(string electionId, int count, string prefix)
    {
        string[] states = ["CA", "TX", "WY", "PA", "OH", "DC"];
        return RecordVotesAsync(electionId, Enumerable.Range(0, count).Select(i => ($"{prefix}-{i}", states[i % states.Length], Candidates[i % 3])));
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(LocalStack.Environment);
        builder.ConfigureAppConfiguration((_, configuration) => configuration.AddInMemoryCollection(Settings));
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await TestStores.DropAsync(Shards, Tallies);
        Tallies.Dispose();
        await using var redis = await ConnectionMultiplexer.ConnectAsync(LocalStack.Redis().Configuration);
        await RedisKeys.DeleteAsync(redis, KeyPrefix);
    }
}
