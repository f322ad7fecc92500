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
        await gate.CommitAsync("e", voter, token, DateTimeOffset.UtcNow.AddMinutes(5));

        var (again, _) = await gate.EnterAsync("e", voter, LockTtl);
        Assert.Equal(VoterAdmission.AlreadyVoted, again);
        // AlreadyVoted released the lock it had taken: a third attempt is not "in progress".
        Assert.Equal(VoterAdmission.AlreadyVoted, (await gate.EnterAsync("e", voter, LockTtl)).Admission);
        Assert.Equal(VoterAdmission.New, (await gate.EnterAsync("other-election", voter, LockTtl)).Admission);
    }

    [Fact]
    public async Task Keys_keep_their_names_so_an_upgraded_ingest_finds_the_locks_and_markers_of_the_one_before()
    {
        var voter = RandomNumberGenerator.GetBytes(32);
        var shard = gate.Shape.Locate(voter, new long[gate.Shape.HashCount]);
        var suffix = $"e:{{{shard}}}:{Convert.ToHexStringLower(voter)}";
        var database = redis.GetDatabase();

        var (admission, token) = await gate.EnterAsync("e", voter, LockTtl);
        Assert.Equal(VoterAdmission.New, admission);
        Assert.Equal(token, (string?)await database.StringGetAsync($"{redisOptions.KeyPrefix}lock:{suffix}"));

        var expiresAt = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.AddHours(2).ToUnixTimeSeconds());
        await gate.CommitAsync("e", voter, token, expiresAt);
        Assert.False(await database.KeyExistsAsync($"{redisOptions.KeyPrefix}lock:{suffix}"));
        Assert.True(await database.KeyExistsAsync($"{redisOptions.KeyPrefix}voted:{suffix}"));

        // The marker leaves at the very instant given (ingest gives a whole hour), not a time to live
        // counted from when it was set.
        Assert.Equal(expiresAt.ToUnixTimeSeconds(), (long)await database.ExecuteAsync("EXPIRETIME", $"{redisOptions.KeyPrefix}voted:{suffix}"));

        // A repeat is counted against the voter's attempt limit under the attempts key.
        Assert.Equal(VoterAdmission.AlreadyVoted, (await gate.EnterAsync([new VoterKey("e", voter)], LockTtl, new VoterAttemptLimit(5, TimeSpan.FromMinutes(1))))[0].Admission);
        Assert.Equal(1, (long)await database.StringGetAsync($"{redisOptions.KeyPrefix}attempts:{suffix}"));
    }

    [Fact]
    public async Task A_filter_built_with_other_settings_is_never_read_a_gate_with_new_settings_finds_none_and_admits_nobody_until_rebuilt()
    {
        var voters = Enumerable.Range(0, 200).Select(_ => RandomNumberGenerator.GetBytes(32)).ToList();
        foreach (var voter in voters)
        {
            var (admission, token) = await gate.EnterAsync("e", voter, LockTtl);
            Assert.Equal(VoterAdmission.New, admission);
            await gate.CommitAsync("e", voter, token, DateTimeOffset.UtcNow.AddMinutes(5));
        }

        // Their markers expired: only the filter remembers them. Ingest restarts with a larger filter.
        var database = redis.GetDatabase();
        foreach (var marker in await RedisKeys.ListAsync(redis, redisOptions.KeyPrefix + "voted:"))
        {
            await database.KeyDeleteAsync(marker);
        }

        var remembered = await gate.EnterAsync([.. voters.Select(v => new VoterKey("e", v))], LockTtl, VoterAttemptLimit.None);
        Assert.All(remembered, e => Assert.Equal(VoterAdmission.MaybeVoted, e.Admission));
        for (var i = 0; i < voters.Count; i++)
        {
            await gate.LeaveAsync("e", voters[i], remembered[i].Token);
        }

        var larger = new VoterGate(redis, redisOptions, new BloomFilterOptions { ExpectedVoters = 20_000, FalsePositiveRate = 0.001, Shards = 4, Backend = "auto" });
        Assert.NotEqual(gate.Shape.Tag, larger.Shape.Tag);

        // Read with the new layout, the old bits would clear most of these voters as "certainly new".
        Assert.Equal(VoterFilterState.Missing, await larger.FilterStateAsync("e"));
        Assert.All(await larger.EnterAsync([.. voters.Select(v => new VoterKey("e", v))], LockTtl, VoterAttemptLimit.None), e => Assert.Equal(VoterAdmission.FilterRebuilding, e.Admission));
        await larger.SetFilterStateAsync("e", VoterFilterState.Exact);
        Assert.All(await larger.EnterAsync([.. voters.Select(v => new VoterKey("e", v))], LockTtl, VoterAttemptLimit.None), e => Assert.Equal(VoterAdmission.Unverified, e.Admission));

        // The old gate's filter is untouched, under its own keys.
        Assert.Equal(VoterFilterState.Ready, await gate.FilterStateAsync("e"));
    }

    [Fact]
    public async Task A_ready_filter_that_lacks_a_voter_still_refuses_the_voter_while_the_accepted_marker_lasts()
    {
        // A filter rebuilt from the database while another ingest, still on the old settings,
        // accepted this voter: not in the new filter, but the marker is there.
        var voter = RandomNumberGenerator.GetBytes(32);
        var (admission, token) = await gate.EnterAsync("e", voter, LockTtl);
        Assert.Equal(VoterAdmission.New, admission);
        await gate.CommitAsync("e", voter, token, DateTimeOffset.UtcNow.AddMinutes(5));
        var rebuilt = new VoterGate(redis, redisOptions, new BloomFilterOptions { ExpectedVoters = 20_000, FalsePositiveRate = 0.001, Shards = 4, Backend = "auto" });
        await rebuilt.SetFilterStateAsync("e", VoterFilterState.Ready);

        Assert.Equal(VoterAdmission.AlreadyVoted, (await rebuilt.EnterAsync("e", voter, LockTtl)).Admission);
        Assert.Equal(VoterAdmission.New, (await rebuilt.EnterAsync("e", RandomNumberGenerator.GetBytes(32), LockTtl)).Admission);
    }

    [Fact]
    public async Task Keeping_renews_a_lock_still_held_and_leaves_one_that_expired_and_was_taken_again()
    {
        var database = redis.GetDatabase();
        var kept = RandomNumberGenerator.GetBytes(32);
        var lost = RandomNumberGenerator.GetBytes(32);
        var entries = await gate.EnterAsync([new VoterKey("e", kept), new VoterKey("e", lost)], TimeSpan.FromSeconds(2), VoterAttemptLimit.None);
        Assert.All(entries, e => Assert.Equal(VoterAdmission.New, e.Admission));

        // The second lock expires, and another attempt of that voter takes it.
        var lostLock = (string)(await RedisKeys.ListAsync(redis, redisOptions.KeyPrefix + "lock:")).Single(k => ((string)k!).EndsWith(Convert.ToHexStringLower(lost), StringComparison.Ordinal))!;
        await database.KeyDeleteAsync(lostLock);
        var (again, otherToken) = await gate.EnterAsync("e", lost, LockTtl);
        Assert.Equal(VoterAdmission.New, again);

        var held = await gate.KeepAsync([new HeldVoterLock(new VoterKey("e", kept), entries[0].Token), new HeldVoterLock(new VoterKey("e", lost), entries[1].Token)], TimeSpan.FromSeconds(30));

        Assert.Equal([true, false], held);
        var keptLock = (string)(await RedisKeys.ListAsync(redis, redisOptions.KeyPrefix + "lock:")).Single(k => ((string)k!).EndsWith(Convert.ToHexStringLower(kept), StringComparison.Ordinal))!;
        Assert.InRange((await database.KeyTimeToLiveAsync(keptLock))!.Value, TimeSpan.FromSeconds(25), TimeSpan.FromSeconds(30));
        Assert.Equal(otherToken, (string?)await database.StringGetAsync(lostLock));
        Assert.InRange((await database.KeyTimeToLiveAsync(lostLock))!.Value, TimeSpan.Zero, LockTtl);
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
        await gate.CommitAsync("e", committed, token, DateTimeOffset.UtcNow.AddMinutes(5));
        Assert.True(await filter.MightContainAsync("e", committed));
    }

    [Fact]
    public async Task A_batch_whose_script_fails_half_way_leaves_no_voter_locked() =>
        await FailedEntryScenario.RunAsync(redis, gate, redisOptions.KeyPrefix, "poisoned");

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
    public async Task A_filter_is_promoted_to_ready_only_from_exact_and_not_after_its_state_was_lost()
    {
        await gate.SetFilterStateAsync("refilled", VoterFilterState.Exact);
        Assert.True(await gate.PromoteFilterToReadyAsync("refilled"));
        Assert.Equal(VoterFilterState.Ready, await gate.FilterStateAsync("refilled"));

        // Redis lost its data while the refill ran: the promotion must not write "ready" onto nothing.
        await gate.SetFilterStateAsync("lost", VoterFilterState.Exact);
        await RedisKeys.DeleteAsync(redis, redisOptions.KeyPrefix);
        Assert.False(await gate.PromoteFilterToReadyAsync("lost"));
        Assert.Equal(VoterFilterState.Missing, await gate.FilterStateAsync("lost"));
    }

    [Fact]
    public async Task A_filter_lost_with_Redis_data_is_missing_again_and_a_refill_restores_its_answers()
    {
        var voted = RandomNumberGenerator.GetBytes(32);
        var (_, token) = await gate.EnterAsync("e", voted, LockTtl);
        await gate.CommitAsync("e", voted, token, DateTimeOffset.UtcNow.AddMinutes(5));
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

    [Fact]
    public async Task A_batch_answers_each_voter_in_order_and_a_voter_twice_in_it_gets_in_once()
    {
        var voters = Enumerable.Range(0, 20).Select(_ => new VoterKey("e", RandomNumberGenerator.GetBytes(32))).ToList();
        var voted = voters[7];
        var (_, token) = await gate.EnterAsync("e", voted.Pseudonym, LockTtl);
        await gate.CommitAsync("e", voted.Pseudonym, token, DateTimeOffset.UtcNow.AddMinutes(5));
        var batch = voters.Append(voters[3]).ToArray(); // voter 3 again, last

        var entries = await gate.EnterAsync(batch, LockTtl, VoterAttemptLimit.None);

        Assert.Equal(21, entries.Length);
        Assert.Equal(VoterAdmission.AlreadyVoted, entries[7].Admission);
        Assert.Equal(VoterAdmission.InProgress, entries[20].Admission);
        Assert.All(entries.Where((_, i) => i is not (7 or 20)), e => Assert.Equal(VoterAdmission.New, e.Admission));
        Assert.Equal(21, entries.Select(e => e.Token).Distinct().Count());

        // Commit half of them, release the other half: the committed are refused, the released may enter again.
        var admitted = Enumerable.Range(0, 20).Where(i => i != 7).Select(i => new HeldVoterLock(voters[i], entries[i].Token)).ToList();
        await gate.CommitAsync(admitted.Take(10).ToArray(), DateTimeOffset.UtcNow.AddMinutes(5));
        await gate.LeaveAsync(admitted.Skip(10).ToArray());
        var again = await gate.EnterAsync(admitted.Select(a => a.Voter).ToArray(), LockTtl, VoterAttemptLimit.None);
        Assert.All(again.Take(10), e => Assert.Equal(VoterAdmission.AlreadyVoted, e.Admission));
        Assert.All(again.Skip(10), e => Assert.Equal(VoterAdmission.New, e.Admission));
    }

    [Fact]
    public async Task Repeated_attempts_beyond_the_limit_are_refused_until_the_window_ends_and_hold_no_lock()
    {
        // A window long enough for the round trips below on a loaded box; the test waits it out once.
        var limit = new VoterAttemptLimit(2, TimeSpan.FromSeconds(5));
        var voter = new VoterKey("e", RandomNumberGenerator.GetBytes(32));
        var first = (await gate.EnterAsync([voter], LockTtl, limit))[0];
        Assert.Equal(VoterAdmission.New, first.Admission); // a first attempt the filter clears is not counted
        await gate.CommitAsync([new HeldVoterLock(voter, first.Token)], DateTimeOffset.UtcNow.AddMinutes(5));

        Assert.Equal(VoterAdmission.AlreadyVoted, (await gate.EnterAsync([voter], LockTtl, limit))[0].Admission);
        Assert.Null(await gate.CountAttemptAsync(voter, limit)); // an invalid ballot counts too: 2 of 2
        var refused = (await gate.EnterAsync([voter], LockTtl, limit))[0];
        Assert.Equal(VoterAdmission.RateLimited, refused.Admission);
        Assert.InRange(refused.RetryAfter, TimeSpan.FromMilliseconds(1), limit.Window);
        Assert.NotNull(await gate.CountAttemptAsync(voter, limit));

        // Other voters are not affected, and once the window has passed the voter is answered again (no lock was left).
        Assert.Equal(VoterAdmission.New, (await gate.EnterAsync([new VoterKey("e", RandomNumberGenerator.GetBytes(32))], LockTtl, limit))[0].Admission);
        await Task.Delay(limit.Window + TimeSpan.FromMilliseconds(200));
        Assert.Equal(VoterAdmission.AlreadyVoted, (await gate.EnterAsync([voter], LockTtl, limit))[0].Admission);
    }

    [Fact]
    public async Task A_voter_over_the_limit_while_unconfirmed_releases_the_lock_it_took()
    {
        var limit = new VoterAttemptLimit(1, TimeSpan.FromSeconds(30));
        var voter = new VoterKey("e", RandomNumberGenerator.GetBytes(32));
        var filter = await VoterBloomFilterFactory.CreateAsync(redis, redisOptions, filterOptions, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
        await filter.AddAsync("e", voter.Pseudonym); // the filter says maybe: these attempts count

        var maybe = (await gate.EnterAsync([voter], LockTtl, limit))[0];
        Assert.Equal(VoterAdmission.MaybeVoted, maybe.Admission);
        await gate.LeaveAsync([new HeldVoterLock(voter, maybe.Token)]);
        Assert.Equal(VoterAdmission.RateLimited, (await gate.EnterAsync([voter], LockTtl, limit))[0].Admission);
        // Without the limit the voter is "maybe" again, not "in progress": the refused attempt left no lock.
        Assert.Equal(VoterAdmission.MaybeVoted, (await gate.EnterAsync([voter], LockTtl, VoterAttemptLimit.None))[0].Admission);
    }
}
