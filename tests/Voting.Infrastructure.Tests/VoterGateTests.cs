using System.Security.Cryptography;
using StackExchange.Redis;
using Voting.Infrastructure.Redis;
using Voting.TestSupport;

namespace Voting.Infrastructure.Tests;

public sealed class VoterGateTests : IAsyncLifetime
{
    private static readonly TimeSpan LockTtl = TimeSpan.FromSeconds(10);
    private readonly RedisOptions redisOptions = LocalStack.Redis(LocalStack.UniqueName("it") + ":");
    private readonly BloomFilterOptions filterOptions = new() { ExpectedVoters = 10_000, FalsePositiveRate = 0.001, Shards = 4, Backend = "auto" };
    private ConnectionMultiplexer redis = null!;
    private VoterGate gate = null!;

    public async Task InitializeAsync()
    {
        redis = await ConnectionMultiplexer.ConnectAsync(redisOptions.Configuration);
        gate = new VoterGate(redis, redisOptions, filterOptions);
        await gate.SetFilterStateAsync("e", VoterFilterState.Ready);
        await gate.SetFilterStateAsync("other-election", VoterFilterState.Ready);
    }

    public async Task DisposeAsync()
    {
        await RedisKeys.DeleteAsync(redis, redisOptions.KeyPrefix);
        await redis.DisposeAsync();
    }

    [Fact]
    public async Task A_new_voter_enters_and_once_committed_is_refused_and_unlocked()
    {
        Assert.Equal("bitmap", await gate.BackendAsync());
        var voter = RandomNumberGenerator.GetBytes(32);
        var (first, token) = await gate.EnterAsync("e", voter, LockTtl);
        Assert.Equal(VoterAdmission.New, first);
        await gate.CommitAsync("e", voter, token, TimeSpan.FromMinutes(5));

        var (again, _) = await gate.EnterAsync("e", voter, LockTtl);
        Assert.Equal(VoterAdmission.AlreadyVoted, again);
        // AlreadyVoted released the lock it had taken: a third attempt is not "in progress".
        Assert.Equal(VoterAdmission.AlreadyVoted, (await gate.EnterAsync("e", voter, LockTtl)).Admission);
        Assert.Equal(VoterAdmission.New, (await gate.EnterAsync("other-election", voter, LockTtl)).Admission);
    }

    [Fact]
    public async Task Concurrent_entries_of_one_voter_let_exactly_one_through()
    {
        var voter = RandomNumberGenerator.GetBytes(32);
        var entries = await Task.WhenAll(Enumerable.Range(0, 100).Select(_ => gate.EnterAsync("e", voter, LockTtl)));
        Assert.Equal(1, entries.Count(e => e.Admission == VoterAdmission.New));
        Assert.Equal(99, entries.Count(e => e.Admission == VoterAdmission.InProgress));

        var winner = entries.Single(e => e.Admission == VoterAdmission.New);
        await gate.LeaveAsync("e", voter, "not-the-owner");
        Assert.Equal(VoterAdmission.InProgress, (await gate.EnterAsync("e", voter, LockTtl)).Admission);
        await gate.LeaveAsync("e", voter, winner.Token);
        Assert.Equal(VoterAdmission.New, (await gate.EnterAsync("e", voter, LockTtl)).Admission);
    }

    [Fact]
    public async Task Filter_bits_without_a_marker_mean_maybe_and_the_bits_are_the_bitmap_filters()
    {
        var voter = RandomNumberGenerator.GetBytes(32);
        // The stand-alone bitmap filter writes the same bits the gate reads (e.g. a rebuilt filter).
        var filter = await VoterBloomFilterFactory.CreateAsync(redis, redisOptions, filterOptions, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
        await filter.AddAsync("e", voter);
        Assert.Equal(VoterAdmission.MaybeVoted, (await gate.EnterAsync("e", voter, LockTtl)).Admission);

        var committed = RandomNumberGenerator.GetBytes(32);
        var (_, token) = await gate.EnterAsync("e", committed, LockTtl);
        await gate.CommitAsync("e", committed, token, TimeSpan.FromMinutes(5));
        Assert.True(await filter.MightContainAsync("e", committed));
    }

    [Fact]
    public async Task Without_a_filter_nobody_is_admitted_and_no_lock_is_taken()
    {
        var voter = RandomNumberGenerator.GetBytes(32);
        Assert.Equal(VoterFilterState.Missing, await gate.FilterStateAsync("unbuilt"));
        Assert.Equal(VoterAdmission.FilterRebuilding, (await gate.EnterAsync("unbuilt", voter, LockTtl)).Admission);

        // Once the election is in the exact state, the same voter gets in (no lock was left behind) but unverified.
        await gate.SetFilterStateAsync("unbuilt", VoterFilterState.Exact);
        Assert.Equal(VoterFilterState.Exact, await gate.FilterStateAsync("unbuilt"));
        Assert.Equal(VoterAdmission.Unverified, (await gate.EnterAsync("unbuilt", voter, LockTtl)).Admission);
    }

    [Fact]
    public async Task A_filter_lost_with_Redis_data_is_missing_again_and_a_refill_restores_its_answers()
    {
        var voted = RandomNumberGenerator.GetBytes(32);
        var (_, token) = await gate.EnterAsync("e", voted, LockTtl);
        await gate.CommitAsync("e", voted, token, TimeSpan.FromMinutes(5));
        Assert.Equal(VoterAdmission.AlreadyVoted, (await gate.EnterAsync("e", voted, LockTtl)).Admission);

        await RedisKeys.DeleteAsync(redis, redisOptions.KeyPrefix); // what FLUSHALL does to this test's keys
        Assert.Equal(VoterFilterState.Missing, await gate.FilterStateAsync("e"));
        Assert.Equal(VoterAdmission.FilterRebuilding, (await gate.EnterAsync("e", voted, LockTtl)).Admission);

        // While exact, the marker-less voter must be confirmed against the database.
        await gate.SetFilterStateAsync("e", VoterFilterState.Exact);
        var (unverified, unverifiedToken) = await gate.EnterAsync("e", voted, LockTtl);
        Assert.Equal(VoterAdmission.Unverified, unverified);
        await gate.LeaveAsync("e", voted, unverifiedToken);

        await gate.AddToFilterAsync("e", [voted]);
        await gate.SetFilterStateAsync("e", VoterFilterState.Ready);
        Assert.Equal(VoterFilterState.Ready, await gate.FilterStateAsync("e"));
        var (refilled, refilledToken) = await gate.EnterAsync("e", voted, LockTtl);
        Assert.Equal(VoterAdmission.MaybeVoted, refilled);
        await gate.LeaveAsync("e", voted, refilledToken);
        Assert.Equal(VoterAdmission.New, (await gate.EnterAsync("e", RandomNumberGenerator.GetBytes(32), LockTtl)).Admission);
    }
}
