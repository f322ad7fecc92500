using System.Security.Cryptography;
using StackExchange.Redis;
using Voting.Infrastructure.Redis;
using Voting.TestSupport;

namespace Voting.Infrastructure.Tests;

/// <summary>
/// The gate on Redis Cluster, where a script's keys must share a hash slot: a one-node cluster of
/// the same Debian redis-server the stack runs, started by this test on a free port and removed after.
/// </summary>
public sealed class VoterGateClusterTests : IAsyncLifetime
{
    private static readonly TimeSpan LockTtl = TimeSpan.FromSeconds(10);
    private OneNodeRedisCluster cluster = null!;

    public async Task InitializeAsync() => cluster = await OneNodeRedisCluster.StartAsync();

    public async Task DisposeAsync() => await cluster.DisposeAsync();

    [Fact]
    public async Task A_batch_of_voters_from_many_filter_shards_is_admitted_committed_and_refused_on_a_cluster()
    {
        var redis = cluster.Redis;
        Assert.Contains(redis.GetServers(), s => s.ServerType == ServerType.Cluster);
        var filterOptions = new BloomFilterOptions { ExpectedVoters = 10_000, FalsePositiveRate = 0.001, Shards = 16, Backend = "bitmap" };
        var gate = new VoterGate(redis, new RedisOptions { Configuration = cluster.Endpoint, KeyPrefix = "it:" }, filterOptions);
        await gate.SetFilterStateAsync("e", VoterFilterState.Ready);
        var voters = Enumerable.Range(0, 64).Select(_ => new VoterKey("e", RandomNumberGenerator.GetBytes(32))).ToArray();
        Assert.True(voters.Select(v => gate.Shape.Locate(v.Pseudonym, new long[gate.Shape.HashCount])).Distinct().Count() > 1);

        var entries = await gate.EnterAsync(voters, LockTtl, new VoterAttemptLimit(3, TimeSpan.FromMinutes(1)));
        Assert.All(entries, e => Assert.Equal(VoterAdmission.New, e.Admission));
        await gate.CommitAsync(voters.Select((v, i) => new HeldVoterLock(v, entries[i].Token)).ToArray(), DateTimeOffset.UtcNow.AddMinutes(5));

        var again = await gate.EnterAsync(voters, LockTtl, new VoterAttemptLimit(3, TimeSpan.FromMinutes(1)));
        Assert.All(again, e => Assert.Equal(VoterAdmission.AlreadyVoted, e.Admission));
        Assert.Null(await gate.CountAttemptAsync(voters[0], new VoterAttemptLimit(3, TimeSpan.FromMinutes(1))));
    }

    [Fact]
    public async Task A_batch_whose_script_fails_for_one_filter_shard_leaves_no_voter_locked_on_any()
    {
        var filterOptions = new BloomFilterOptions { ExpectedVoters = 10_000, FalsePositiveRate = 0.001, Shards = 16, Backend = "bitmap" };
        var gate = new VoterGate(cluster.Redis, new RedisOptions { Configuration = cluster.Endpoint, KeyPrefix = "it:" }, filterOptions);
        await FailedEntryScenario.RunAsync(cluster.Redis, gate, "it:", "poisoned");
    }
}
