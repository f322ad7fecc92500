using System.Security.Cryptography;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Testing;
using MySqlConnector;
using Nethereum.Web3;
using Voting.Audit.Logs;
using Voting.Core.Ballots;
using Voting.Core.Identity;
using Voting.Infrastructure.Chain;
using Voting.Infrastructure.ClickHouse;
using Voting.Infrastructure.MySql;
using Voting.Infrastructure.Storage;
using Voting.TestSupport;

namespace Voting.Audit.Tests;

/// <summary>
/// The real audit service over the real MariaDB, ClickHouse and Anvil, isolated: its own shard and
/// log databases (so its own anchor contract), its own ClickHouse database and elections of its
/// own. Ballots are written the way the processor writes them (ballot store, log appender, tally
/// outbox) so these tests don't need Kafka.
/// </summary>
public sealed class AuditFactory : WebApplicationFactory<Program>
{
    public static readonly string[] Candidates = ["harper", "morgan", "reyes"];

    private int voters;

    public AuditFactory()
    {
        Shards = new MySqlShardConnections(LocalStack.MySql(LocalStack.UniqueName("ita") + "_s"));
        Tallies = new ClickHouseTallyStore(LocalStack.ClickHouse(LocalStack.UniqueName("ita")));
        Elections = [.. Enumerable.Range(0, 7).Select(_ => LocalStack.UniqueName("e"))];
        Settings = new Dictionary<string, string?>
        {
            ["Voting:MySql:DatabasePrefix"] = Shards.Options.DatabasePrefix,
            ["Voting:ClickHouse:Database"] = Tallies.Options.Database,
            ["Voting:Audit:CheckpointIntervalSeconds"] = "1",
            ["Voting:Audit:AnchorRetrySeconds"] = "1",
            ["Voting:Audit:ScheduledAuditMinutes"] = "0",
            // The default: audits run while ballots are being stored (TamperDetectionTests), and on a loaded
            // box a shard's commit can trail its log append by more than a few seconds.
            ["Voting:Audit:InFlightSeconds"] = "10",
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:Microsoft.Extensions.Diagnostics.HealthChecks"] = "None",
            ["Logging:LogLevel:Voting.Audit.Auditing.AuditRunner"] = "Information",
        };
        for (var i = 0; i < Elections.Length; i++)
        {
            var at = $"Voting:Elections:{10 + i}:";
            Settings[at + "Id"] = Elections[i];
            Settings[at + "OpensAt"] = DateTimeOffset.UtcNow.AddDays(-1).ToString("O");
            Settings[at + "ClosesAt"] = DateTimeOffset.UtcNow.AddDays(1).ToString("O");
            for (var c = 0; c < Candidates.Length; c++)
            {
                Settings[at + $"Candidates:{c}"] = Candidates[c];
            }

            // No PseudonymSecret: the audit service computes no pseudonyms and, as deployed, gets none.
        }
    }

    public MySqlShardConnections Shards { get; }

    public ClickHouseTallyStore Tallies { get; }

    /// <summary>Seven elections only this factory's service audits.</summary>
    public string[] Elections { get; }

    public Dictionary<string, string?> Settings { get; }

    /// <summary>The stack's chain, with an anchoring account of this factory's own (funded at start): audit hosts running at once don't race for one account's nonces.</summary>
    public ChainOptions Chain { get; } = WithOwnAccount(LocalStack.Chain());

    public MerkleLogReader Log => new(Shards);

    public async Task<HttpClient> StartAsync()
    {
        Settings.TryAdd("Voting:Chain:AnchorPrivateKey", Chain.AnchorPrivateKey);
        await FundedAccount.FundAsync(Settings.GetValueOrDefault("Voting:Chain:RpcUrl") ?? Chain.RpcUrl, Settings["Voting:Chain:AnchorPrivateKey"]!);
        var client = CreateClient();
        await ServiceReadiness.WaitUntilReadyAsync(client, TimeSpan.FromSeconds(120));
        return client;
    }

    /// <summary>
    /// Starts the service on <paramref name="anvil"/>, a chain of the test's own (reached through
    /// <paramref name="proxy"/> when given), giving up waiting for an anchor to be mined after 2 s, and
    /// anchors 30 votes of <paramref name="election"/> there.
    /// </summary>
    public async Task<HttpClient> StartWith30AnchoredOnAsync(ScratchAnvil anvil, string election, RpcProxy? proxy = null)
    {
        Settings["Voting:Chain:RpcUrl"] = proxy?.RpcUrl ?? anvil.RpcUrl;
        Settings["Voting:Chain:ReceiptTimeoutSeconds"] = "2";
        var client = await StartAsync();
        await RecordVotesAsync(election, 30);
        await AnchorFinalityTests.StatusAsync(client, election, 30, "anchored");
        return client;
    }

    /// <summary>
    /// At a base fee of 1 gwei, stops <paramref name="anvil"/> mining and records 20 votes more than the
    /// 30 anchored (<see cref="StartWith30AnchoredOnAsync"/>): returns the anchor of size 50, left waiting in the pool.
    /// </summary>
    public async Task<PooledTransaction> StuckAnchorOf50Async(ScratchAnvil anvil, string election)
    {
        await anvil.SetNextBlockBaseFeeAsync(1_000_000_000);
        await anvil.MineAsync(1);
        await anvil.SetAutomineAsync(false);
        await RecordVotesAsync(election, 20);
        PooledTransaction? stuck = null;
        await Eventually.Async(async () => (stuck = (await anvil.PoolAsync(AnchoringAccount)).SingleOrDefault()) is not null, "the anchor of size 50 waiting in the pool");
        return stuck!;
    }

    /// <summary>
    /// What a crash between recording an anchor transaction and sending it leaves: the anchor of the
    /// checkpoint of <paramref name="size"/>, signed as the service signs it (its account, its contract on
    /// <paramref name="anvil"/>) with <paramref name="nonce"/> and <paramref name="fee"/>, recorded as the one in flight and never sent.
    /// </summary>
    public async Task<SignedAnchor> RecordUnsentAnchorAsync(ScratchAnvil anvil, string election, long size, long nonce, AnchorFee fee)
    {
        var store = new CheckpointStore(Shards);
        var checkpoint = (await store.ListAsync(election, CancellationToken.None)).Single(c => c.TreeSize == size);
        var contract = (await AnchorsOnChainAsync()).ContractAddress;
        var signer = new CheckpointAnchorClient(new Web3(new Nethereum.Web3.Accounts.Account(Chain.AnchorPrivateKey, Chain.ChainId), anvil.RpcUrl), contract);
        var from = (long)((await signer.NewestAsync(election))?.TreeSize ?? 0);
        var signed = await signer.SignAnchorAsync(
            election, size, checkpoint.Root, await ConsistencyAsync(election, from, size), new DateTimeOffset(checkpoint.CreatedAt, TimeSpan.Zero), nonce, fee);
        await store.SetPendingAsync(election, size, signed.TransactionHash, signed.Raw, CancellationToken.None);
        return signed;
    }

    /// <summary>The consistency proof from size <paramref name="from"/> to <paramref name="to"/> of the election's log, as the service reads it.</summary>
    public Task<IReadOnlyList<byte[]>> ConsistencyAsync(string election, long from, long to) =>
        Services.GetRequiredService<MerkleTreeCache>().WithTreeAsync(election, tree => tree.ConsistencyProof(from, to), CancellationToken.None);

    /// <summary>The address the service anchors from (<see cref="Chain"/>'s key).</summary>
    public string AnchoringAccount => new Nethereum.Web3.Accounts.Account(Chain.AnchorPrivateKey).Address;

    /// <summary>Records <paramref name="votes"/> votes, waits until they are anchored and checks a first audit is clean; returns the rows by leaf.</summary>
    public async Task<List<StoredBallot>> AnchoredAndCleanAsync(HttpClient client, string election, int votes)
    {
        await RecordVotesAsync(election, votes);
        await AnchoringTests.AnchoredAsync(client, election, votes);
        Assert.True((await AnchoringTests.RunAuditAsync(client, election)).Clean, "the audit is clean before tampering");
        return (await StoredBallotsAsync(election)).OrderBy(b => b.LeafIndex).ToList();
    }

    /// <summary>Stores <paramref name="count"/> new ballots as the processor would, appended to the log and tallied; returns them.</summary>
    public async Task<List<VoteMessage>> RecordVotesAsync(string electionId, int count)
    {
        string[] states = ["CA", "TX", "WY", "PA", "OH", "DC"];
        var first = Interlocked.Add(ref voters, count) - count;
        var votes = Enumerable.Range(first, count).Select(i =>
        {
            var ballot = Ballot.New(electionId, states[i % states.Length], Candidates[i % Candidates.Length]);
            return new VoteMessage(1, electionId, VoterPseudonym.Compute(new byte[32], electionId, "voter-" + i), ballot.State,
                ballot.Candidate, ballot.BallotId, BallotHash.Compute(ballot), DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        }).ToList();
        await ProcessorWrites.StoreAsync(Shards, Tallies, votes);
        return votes;
    }

    /// <summary>Every ballot row of an election.</summary>
    public async Task<List<StoredBallot>> StoredBallotsAsync(string electionId) =>
        await new StoredBallotReader(Shards).ReadAllAsync(electionId, CancellationToken.None).ToListAsync();

    /// <summary>Runs one SQL statement in the shard database holding <paramref name="ballot"/>.</summary>
    public async Task TamperAsync(StoredBallot ballot, string sql)
    {
        var shard = Enumerable.Range(0, 16).Single(s => Shards.DatabaseName(s) == ballot.Database);
        await using var connection = await Shards.OpenShardAsync(shard, CancellationToken.None);
        await using var command = new MySqlCommand(sql.Replace("{table}", ballot.Table, StringComparison.Ordinal), connection);
        command.Parameters.AddWithValue("@id", ballot.BallotId);
        Assert.Equal(1, await command.ExecuteNonQueryAsync());
    }

    /// <summary>
    /// Runs one SQL statement on the Merkle log's entry of <paramref name="ballot"/> (<c>@e</c> its
    /// election, <c>@leaf</c> its leaf index, <c>@h</c> a random hash), which must change exactly one row.
    /// </summary>
    public async Task TamperLogAsync(StoredBallot ballot, string sql)
    {
        await using var connection = await Shards.OpenLogAsync(CancellationToken.None);
        await using var command = new MySqlCommand(sql, connection);
        command.Parameters.AddWithValue("@e", ballot.ElectionId);
        command.Parameters.AddWithValue("@leaf", ballot.LeafIndex);
        command.Parameters.AddWithValue("@h", RandomNumberGenerator.GetBytes(BallotHash.Size));
        Assert.Equal(1, await command.ExecuteNonQueryAsync());
    }

    /// <summary>A read-only view of the anchor contract the service deployed (recorded in its log database), on the chain it was given.</summary>
    public async Task<CheckpointAnchorClient> AnchorsOnChainAsync()
    {
        string? address = null;
        await Eventually.Async(async () => (address = await new CheckpointStore(Shards).AnchorContractAsync(Chain.ChainId, CancellationToken.None)) is not null,
            "the audit service deployed its anchor contract");
        return new CheckpointAnchorClient(new Web3(Settings.GetValueOrDefault("Voting:Chain:RpcUrl") ?? Chain.RpcUrl), address!);
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(LocalStack.Environment);
        builder.ConfigureAppConfiguration((_, configuration) => configuration.AddInMemoryCollection(Settings));
        builder.ConfigureServices(services => services.AddFakeLogging());
    }

    /// <summary>What the service logged (all categories, as the console would show it).</summary>
    public FakeLogCollector Logs => Services.GetRequiredService<FakeLogCollector>();

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await TestStores.DropAsync(Shards, Tallies);
        Tallies.Dispose();
    }

    private static ChainOptions WithOwnAccount(ChainOptions chain)
    {
        chain.AnchorPrivateKey = FundedAccount.NewKey();
        return chain;
    }
}
