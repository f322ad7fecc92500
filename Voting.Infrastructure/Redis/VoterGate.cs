using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Unicode;
using StackExchange.Redis;
using Voting.Core.Dedup;

namespace Voting.Infrastructure.Redis;

/// <summary>
/// The Redis half of "one lock, two checks, three updates", in two round trips per accepted vote,
/// or per batch of votes: <see cref="EnterAsync(IReadOnlyList{VoterKey}, TimeSpan, VoterAttemptLimit)"/> takes each
/// voter's lock and runs the filter and marker checks in one script;
/// <see cref="CommitAsync(IReadOnlyList{HeldVoterLock}, DateTimeOffset)"/> adds the voters to the filter,
/// sets their accepted-markers and releases their locks in another. The lock, the marker and the
/// filter shard of one voter share a hash tag, so on Redis Cluster a batch is sent as one script per
/// filter shard, all at once (the client pipelines them to each primary). The filter is RedisBloom (<c>BF.*</c>) or plain bitmaps with the bits of
/// <see cref="BloomFilterShape"/> (the same bits <see cref="RedisBitmapBloomFilter"/> reads and writes).
/// The enter script also counts each voter's attempts that could be repeats against a
/// <see cref="VoterAttemptLimit"/>, so the limit holds across ingest instances.
/// </summary>
public sealed class VoterGate
{
    // Every script takes a batch of voters, n keys and 2 + k arguments each, after five shared
    // arguments: ARGV[1] the TTL, ARGV[2] the backend ('module' or 'bitmap'), ARGV[3] k, the bit
    // offsets per voter (0 with the module), ARGV[4] the attempts a voter may make per window beyond
    // an admitted first one (0: no limit) and ARGV[5] the window in milliseconds. Voter i's keys are
    // KEYS[ni+1..ni+n], the first n of (lock, filter, accepted-marker, filter state, attempt counter):
    // enter takes all five, commit the first three, leave the lock alone. Its arguments start at
    // ARGV[6 + i(2+k)]: lock token, pseudonym, then its k offsets. Voters are taken in order, so a
    // second request of one voter in the same batch finds the first one's lock.
    //
    // The filter state: absent (never built, or lost with Redis) refuses until a rebuild has caught
    // up with everything accepted before; 'exact' (being rebuilt) sends every voter to the
    // authoritative check; 'ready' trusts the filter's "no" unless the voter's accepted-marker is
    // there (a filter rebuilt under new settings lacks the votes that instances still running the
    // old ones accept meanwhile; the marker of each of those is there all the same).
    //
    // Enter answers two numbers per voter: the VoterAdmission, and for RateLimited the milliseconds
    // until the voter's window ends. A voter the filter clears (New) is not counted: only the
    // attempts that could be repeats are, so the counters stay few however many people vote.
    private const string EnterScript = """
        local ttl, module, k, limit, window = ARGV[1], ARGV[2] == 'module', tonumber(ARGV[3]), tonumber(ARGV[4]), ARGV[5]
        local function limited(counter)
          if limit == 0 then return false end
          local attempts = redis.call('INCR', counter)
          if attempts == 1 then redis.call('PEXPIRE', counter, window) end
          if attempts <= limit then return false end
          return math.max(1, redis.call('PTTL', counter))
        end
        local states, answers = {}, {}
        for i = 0, #KEYS / 5 - 1 do
          local key, arg = i * 5, 6 + i * (2 + k)
          local state = states[KEYS[key + 4]]
          if state == nil then
            state = redis.call('GET', KEYS[key + 4])
            states[KEYS[key + 4]] = state
          end
          local answer, wait = 0, false
          if not state then
            answer = 4
          elseif not redis.call('SET', KEYS[key + 1], ARGV[arg], 'NX', 'PX', ttl) then
            answer = 3
            wait = limited(KEYS[key + 5])
          else
            local maybe = true
            if state == 'ready' then
              if module then
                maybe = redis.call('BF.EXISTS', KEYS[key + 2], ARGV[arg + 1]) == 1
              else
                for j = arg + 2, arg + 1 + k do
                  if redis.call('GETBIT', KEYS[key + 2], ARGV[j]) == 0 then maybe = false break end
                end
              end
            end
            if maybe or redis.call('EXISTS', KEYS[key + 3]) == 1 then
              if redis.call('EXISTS', KEYS[key + 3]) == 1 then
                answer = 2
              elseif state == 'ready' then
                answer = 1
              else
                answer = 5
              end
              wait = limited(KEYS[key + 5])
              if answer == 2 or wait then redis.call('DEL', KEYS[key + 1]) end
            end
          end
          if wait then answer = 6 else wait = 0 end
          answers[2 * i + 1] = answer
          answers[2 * i + 2] = wait
        end
        return answers
        """;

    // Counts an attempt refused before it reached the gate (a malformed or invalid ballot):
    // KEYS[1] the voter's attempt counter, ARGV[1] the limit, ARGV[2] the window in milliseconds.
    // Answers 0, or the milliseconds until the window ends once the limit is exceeded.
    private const string CountAttemptScript = """
        local attempts = redis.call('INCR', KEYS[1])
        if attempts == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
        if attempts <= tonumber(ARGV[1]) then return 0 end
        return math.max(1, redis.call('PTTL', KEYS[1]))
        """;

    // The bitmap's k bits are set by one BITFIELD (SET u1 offset 1, k times) rather than k SETBITs:
    // each redis.call costs more than the command it runs, and values are passed as strings, since
    // a Lua number handed to a command is formatted through printf on every call.
    private const string CommitScript = """
        local expires, module, k = ARGV[1], ARGV[2] == 'module', tonumber(ARGV[3])
        local bits = {}
        for n = 0, k - 1 do
          bits[2 + 4 * n], bits[3 + 4 * n], bits[5 + 4 * n] = 'SET', 'u1', '1'
        end
        for i = 0, #KEYS / 3 - 1 do
          local key, arg = i * 3, 6 + i * (2 + k)
          if module then
            redis.call('BF.ADD', KEYS[key + 2], ARGV[arg + 1])
          else
            bits[1] = KEYS[key + 2]
            for n = 0, k - 1 do bits[4 + 4 * n] = ARGV[arg + 2 + n] end
            redis.call('BITFIELD', unpack(bits))
          end
          redis.call('SET', KEYS[key + 3], '1', 'EXAT', expires)
          if redis.call('GET', KEYS[key + 1]) == ARGV[arg] then redis.call('DEL', KEYS[key + 1]) end
        end
        return 1
        """;

    private const string LeaveScript = """
        local k, released = tonumber(ARGV[3]), 0
        for i = 0, #KEYS - 1 do
          local key, arg = i, 6 + i * (2 + k)
          if redis.call('GET', KEYS[key + 1]) == ARGV[arg] then released = released + redis.call('DEL', KEYS[key + 1]) end
        end
        return released
        """;

    // Renews each lock still held by its token to a fresh time to live; 1 for a lock renewed, 0 for
    // one that expired (and may have been taken by another attempt of the same voter).
    private const string KeepScript = """
        local ttl, k, held = ARGV[1], tonumber(ARGV[3]), {}
        for i = 0, #KEYS - 1 do
          local arg = 6 + i * (2 + k)
          if redis.call('GET', KEYS[i + 1]) == ARGV[arg] then
            redis.call('PEXPIRE', KEYS[i + 1], ttl)
            held[i + 1] = 1
          else
            held[i + 1] = 0
          end
        end
        return held
        """;

    private const int EnterKeys = 5;
    private const int CommitKeys = 3;
    private const int LeaveKeys = 1;
    private const int SharedArgs = 5;
    // Sets a filter shard's state to ARGV[2] only while it reads ARGV[1]; 1 when it did.
    private const string PromoteScript = "if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('SET', KEYS[1], ARGV[2]) return 1 end return 0";

    private const string ReadyState = "ready";
    private const string ExactState = "exact";

    private readonly IConnectionMultiplexer redis;
    private readonly RedisOptions options;
    private readonly BloomFilterShape shape;
    private readonly BloomFilterOptions filterOptions;
    private readonly Lock gate = new();
    private readonly HashSet<string> reserved = [];
    private readonly ConcurrentDictionary<(string ElectionId, int Shard, bool Module), (RedisKey Filter, RedisKey State)> shardKeys = new();
    private Task<bool>? moduleProbe;
    private int topology; // 0 not known yet, 1 a single server, 2 a cluster

    public VoterGate(IConnectionMultiplexer redis, RedisOptions options, BloomFilterOptions filterOptions)
    {
        this.redis = redis;
        this.options = options;
        this.filterOptions = filterOptions;
        shape = BloomFilterShape.For(filterOptions.ExpectedVoters, filterOptions.FalsePositiveRate, filterOptions.Shards);
    }

    public BloomFilterShape Shape => shape;

    /// <summary>Takes the voter's lock (unless someone holds it) and checks filter and marker; attempts are not limited.</summary>
    public async Task<(VoterAdmission Admission, string Token)> EnterAsync(string electionId, byte[] pseudonym, TimeSpan lockTtl)
    {
        var entry = (await EnterAsync([new VoterKey(electionId, pseudonym)], lockTtl, VoterAttemptLimit.None))[0];
        return (entry.Admission, entry.Token);
    }

    /// <summary>
    /// <see cref="EnterAsync(string, byte[], TimeSpan)"/> for a batch of voters in one round trip
    /// (on Redis Cluster one script per filter shard, all sent at once), counting each voter's
    /// possibly repeated attempts against <paramref name="limit"/>; the answers are in the order of
    /// <paramref name="voters"/>. When any script fails, the locks the batch took are released
    /// (as far as Redis answers) before the failure is thrown: the caller refuses the whole batch,
    /// and its voters must not find themselves locked out when they try again.
    /// </summary>
    public async Task<VoterEntry[]> EnterAsync(IReadOnlyList<VoterKey> voters, TimeSpan lockTtl, VoterAttemptLimit limit)
    {
        var tokens = voters.Select(_ => Guid.NewGuid().ToString("N")).ToArray();
        var answers = new VoterEntry[voters.Count];
        var database = redis.GetDatabase();
        async Task EnterGroupAsync(IReadOnlyList<int> group)
        {
            var (keys, args) = await ScriptInputsAsync(group, i => voters[i], i => tokens[i], (long)lockTtl.TotalMilliseconds, limit, EnterKeys);
            var replies = (RedisResult[])(await database.ScriptEvaluateAsync(EnterScript, keys, args))!;
            for (var g = 0; g < group.Count; g++)
            {
                var retryAfter = TimeSpan.FromMilliseconds((long)replies[(2 * g) + 1]);
                answers[group[g]] = new VoterEntry((VoterAdmission)(long)replies[2 * g], tokens[group[g]], retryAfter);
            }
        }

        try
        {
            await Task.WhenAll(Groups(voters.Count, i => voters[i]).Select(EnterGroupAsync));
        }
        catch
        {
            // A script that failed half-way may have taken some of its voters' locks too; a lock
            // is only released by its own token, so releasing every voter's is safe.
            try
            {
                await LeaveAsync([.. voters.Select((voter, i) => new HeldVoterLock(voter, tokens[i]))]);
            }
            catch (Exception e) when (e is RedisException or TimeoutException)
            {
                // Redis is not answering: the locks expire with their TTL.
            }

            throw;
        }

        return answers;
    }

    /// <summary>
    /// Counts an attempt of the voter refused before it reached <see cref="EnterAsync(IReadOnlyList{VoterKey}, TimeSpan, VoterAttemptLimit)"/>
    /// (a malformed or invalid ballot); null while within <paramref name="limit"/>, else how long until the voter may try again.
    /// </summary>
    public async Task<TimeSpan?> CountAttemptAsync(VoterKey voter, VoterAttemptLimit limit)
    {
        if (limit.Attempts == 0)
        {
            return null;
        }

        var shard = shape.Locate(voter.Pseudonym, new long[shape.HashCount]);
        var wait = (long)await redis.GetDatabase().ScriptEvaluateAsync(
            CountAttemptScript, [VoterScopedKey("attempts", voter.ElectionId, shard, voter.Pseudonym)], [limit.Attempts, (long)limit.Window.TotalMilliseconds]);
        return wait == 0 ? null : TimeSpan.FromMilliseconds(wait);
    }

    /// <summary>
    /// After Kafka acknowledged: adds the voter to the filter, marks them accepted until
    /// <paramref name="markerExpiresAt"/> (whole seconds; see <see cref="Voting.Core.Dedup.AcceptedMarkerExpiry"/>), releases the lock.
    /// </summary>
    public Task CommitAsync(string electionId, byte[] pseudonym, string token, DateTimeOffset markerExpiresAt) =>
        CommitAsync([new HeldVoterLock(new VoterKey(electionId, pseudonym), token)], markerExpiresAt);

    /// <summary><see cref="CommitAsync(string, byte[], string, DateTimeOffset)"/> for a batch of voters (on Redis Cluster one script per filter shard, all sent at once).</summary>
    public async Task CommitAsync(IReadOnlyList<HeldVoterLock> locks, DateTimeOffset markerExpiresAt)
    {
        var database = redis.GetDatabase();
        async Task CommitGroupAsync(IReadOnlyList<int> group)
        {
            var (keys, args) = await ScriptInputsAsync(group, i => locks[i].Voter, i => locks[i].Token, markerExpiresAt.ToUnixTimeSeconds(), VoterAttemptLimit.None, CommitKeys);
            if ((string?)args[1] == "module")
            {
                foreach (var filterKey in keys.Where((_, i) => i % CommitKeys == 1).Distinct())
                {
                    await EnsureReservedAsync(filterKey);
                }
            }

            await database.ScriptEvaluateAsync(CommitScript, keys, args);
        }

        await Task.WhenAll(Groups(locks.Count, i => locks[i].Voter).Select(CommitGroupAsync));
    }

    /// <summary>Releases the lock without recording anything (the vote was refused or not durable).</summary>
    public Task LeaveAsync(string electionId, byte[] pseudonym, string token) =>
        LeaveAsync([new HeldVoterLock(new VoterKey(electionId, pseudonym), token)]);

    /// <summary><see cref="LeaveAsync(string, byte[], string)"/> for a batch of voters; a lock no longer held by its token is left alone.</summary>
    public async Task LeaveAsync(IReadOnlyList<HeldVoterLock> locks)
    {
        var database = redis.GetDatabase();
        async Task LeaveGroupAsync(IReadOnlyList<int> group)
        {
            var (keys, args) = await ScriptInputsAsync(group, i => locks[i].Voter, i => locks[i].Token, 0, VoterAttemptLimit.None, LeaveKeys);
            await database.ScriptEvaluateAsync(LeaveScript, keys, args);
        }

        await Task.WhenAll(Groups(locks.Count, i => locks[i].Voter).Select(LeaveGroupAsync));
    }

    /// <summary>
    /// Renews the locks still held by their tokens to <paramref name="lockTtl"/> from now; for each
    /// lock, whether it was still held. A lock that expired is left alone: another attempt of the same
    /// voter may hold it now.
    /// </summary>
    public async Task<bool[]> KeepAsync(IReadOnlyList<HeldVoterLock> locks, TimeSpan lockTtl)
    {
        var held = new bool[locks.Count];
        var database = redis.GetDatabase();
        async Task KeepGroupAsync(IReadOnlyList<int> group)
        {
            var (keys, args) = await ScriptInputsAsync(group, i => locks[i].Voter, i => locks[i].Token, (long)lockTtl.TotalMilliseconds, VoterAttemptLimit.None, LeaveKeys);
            var answers = (long[])(await database.ScriptEvaluateAsync(KeepScript, keys, args))!;
            for (var g = 0; g < group.Count; g++)
            {
                held[group[g]] = answers[g] == 1;
            }
        }

        await Task.WhenAll(Groups(locks.Count, i => locks[i].Voter).Select(KeepGroupAsync));
        return held;
    }

    /// <summary>The backend in use: <c>module</c> or <c>bitmap</c> (probed once when configured as <c>auto</c>).</summary>
    public async Task<string> BackendAsync() => await UseModuleAsync() ? "module" : "bitmap";

    /// <summary>The election's filter state: <see cref="VoterFilterState.Ready"/> only when every shard is.</summary>
    public async Task<VoterFilterState> FilterStateAsync(string electionId)
    {
        var module = await UseModuleAsync();
        var database = redis.GetDatabase();
        var states = await Task.WhenAll(Enumerable.Range(0, shape.Shards).Select(shard => database.StringGetAsync(FilterStateKey(electionId, shard, module))));
        return states.Any(s => s.IsNull) ? VoterFilterState.Missing
            : states.All(s => s == ReadyState) ? VoterFilterState.Ready
            : VoterFilterState.Exact;
    }

    /// <summary>Sets every shard of the election's filter to <paramref name="state"/> (<see cref="VoterFilterState.Missing"/> is not settable).</summary>
    public async Task SetFilterStateAsync(string electionId, VoterFilterState state)
    {
        ArgumentOutOfRangeException.ThrowIfEqual(state, VoterFilterState.Missing);
        var value = state == VoterFilterState.Ready ? ReadyState : ExactState;
        var module = await UseModuleAsync();
        var database = redis.GetDatabase();
        await Task.WhenAll(Enumerable.Range(0, shape.Shards).Select(shard => database.StringSetAsync(FilterStateKey(electionId, shard, module), value)));
    }

    /// <summary>
    /// Moves every shard of the election's filter from <see cref="VoterFilterState.Exact"/> to
    /// <see cref="VoterFilterState.Ready"/>, each only if it still reads exact (one script per shard): a
    /// shard whose state Redis lost while the refill ran stays missing, and is not declared ready on a
    /// filter that lost its bits. True when every shard was promoted.
    /// </summary>
    public async Task<bool> PromoteFilterToReadyAsync(string electionId)
    {
        var module = await UseModuleAsync();
        var database = redis.GetDatabase();
        var promoted = await Task.WhenAll(Enumerable.Range(0, shape.Shards).Select(shard =>
            database.ScriptEvaluateAsync(PromoteScript, [FilterStateKey(electionId, shard, module)], [ExactState, ReadyState])));
        return promoted.All(result => (long)result == 1);
    }

    /// <summary>Adds already-recorded voters to the election's filter (a rebuild), pipelined.</summary>
    public async Task AddToFilterAsync(string electionId, IReadOnlyList<byte[]> pseudonyms)
    {
        var module = await UseModuleAsync();
        var database = redis.GetDatabase();
        var pending = new List<Task>(pseudonyms.Count);
        var reservedNow = new HashSet<string>(StringComparer.Ordinal);
        foreach (var pseudonym in pseudonyms)
        {
            var offsets = new long[shape.HashCount];
            var shard = shape.Locate(pseudonym, offsets);
            var key = FilterKey(electionId, shard, module);
            if (module)
            {
                if (reservedNow.Add(key!))
                {
                    lock (gate)
                    {
                        reserved.Remove(key!); // the reservation may have been lost with the data
                    }

                    await EnsureReservedAsync(key);
                }

                pending.Add(database.ExecuteAsync("BF.ADD", key, pseudonym));
            }
            else
            {
                pending.AddRange(offsets.Select(offset => database.StringSetBitAsync(key, offset, true)));
            }
        }

        await Task.WhenAll(pending);
    }

    /// <summary>
    /// The batch's voters (by index) in script calls: all in one on a single Redis server; on Redis
    /// Cluster one per filter shard, since a script's keys must share a hash slot.
    /// </summary>
    private IReadOnlyList<IReadOnlyList<int>> Groups(int count, Func<int, VoterKey> voter)
    {
        if (count == 0)
        {
            return [];
        }

        if (!IsCluster())
        {
            return [Enumerable.Range(0, count).ToArray()];
        }

        var offsets = new long[shape.HashCount];
        return Enumerable.Range(0, count).GroupBy(i => shape.Locate(voter(i).Pseudonym, offsets)).Select(g => (IReadOnlyList<int>)g.ToArray()).ToArray();
    }

    private async Task<(RedisKey[] Keys, RedisValue[] Args)> ScriptInputsAsync(
        IReadOnlyList<int> group, Func<int, VoterKey> voter, Func<int, string> token, long time, VoterAttemptLimit limit, int keysPerVoter)
    {
        var module = await UseModuleAsync();
        var perVoter = module ? 0 : shape.HashCount;
        var keys = new RedisKey[group.Count * keysPerVoter];
        var args = new RedisValue[SharedArgs + (group.Count * (2 + perVoter))];
        args[0] = time; // enter, keep: the lock's time to live (ms); commit: when the markers expire (Unix seconds)
        args[1] = module ? "module" : "bitmap";
        args[2] = perVoter;
        args[3] = limit.Attempts;
        args[4] = (long)limit.Window.TotalMilliseconds;
        var offsets = new long[shape.HashCount];
        for (var g = 0; g < group.Count; g++)
        {
            var (electionId, pseudonym) = voter(group[g]);
            var shard = shape.Locate(pseudonym, offsets);
            var (filterKey, stateKey) = ShardKeys(electionId, shard, module);
            var key = g * keysPerVoter;
            keys[key] = VoterScopedKey("lock", electionId, shard, pseudonym);
            if (keysPerVoter >= CommitKeys)
            {
                keys[key + 1] = filterKey;
                keys[key + 2] = VoterScopedKey("voted", electionId, shard, pseudonym);
            }

            if (keysPerVoter == EnterKeys)
            {
                keys[key + 3] = stateKey;
                keys[key + 4] = VoterScopedKey("attempts", electionId, shard, pseudonym);
            }

            var arg = SharedArgs + (g * (2 + perVoter));
            args[arg] = token(group[g]);
            args[arg + 1] = pseudonym;
            for (var i = 0; i < perVoter; i++)
            {
                args[arg + 2 + i] = offsets[i];
            }
        }

        return (keys, args);
    }

    /// <summary>
    /// A key of one voter (<c>lock</c>, <c>voted</c>, <c>attempts</c>): prefix, kind, election, the
    /// filter shard as hash tag, the pseudonym in hex; the same key as the text, written once as its
    /// UTF-8 bytes, which is what goes on the wire: a batch builds three of them per voter for every
    /// script it sends.
    /// </summary>
    private RedisKey VoterScopedKey(string kind, string electionId, int shard, ReadOnlySpan<byte> pseudonym)
    {
        var capacity = Encoding.UTF8.GetMaxByteCount(options.KeyPrefix.Length + kind.Length + electionId.Length + 14) + (2 * pseudonym.Length);
        var key = capacity <= 512 ? stackalloc byte[512] : new byte[capacity];
        Utf8.TryWrite(key, CultureInfo.InvariantCulture, $"{options.KeyPrefix}{kind}:{electionId}:{{{shard}}}:", out var written);
        Convert.TryToHexStringLower(pseudonym, key[written..], out var hex);
        return key[..(written + hex)].ToArray();
    }

    /// <summary>The filter and filter-state keys of one shard, built once and shared by every voter of that shard.</summary>
    private (RedisKey Filter, RedisKey State) ShardKeys(string electionId, int shard, bool module) =>
        shardKeys.GetOrAdd((electionId, shard, module), k => (FilterKey(k.ElectionId, k.Shard, k.Module), FilterStateKey(k.ElectionId, k.Shard, k.Module)));

    private RedisKey FilterStateKey(string electionId, int shard, bool module) => VoterFilterKeys.State(options.KeyPrefix, electionId, shape, shard, module);

    private RedisKey FilterKey(string electionId, int shard, bool module) => VoterFilterKeys.Filter(options.KeyPrefix, electionId, shape, shard, module);

    /// <summary>Whether Redis is a cluster; known (and remembered) only once connected, so an early call can't fix a wrong answer.</summary>
    private bool IsCluster()
    {
        var known = Volatile.Read(ref topology);
        if (known != 0)
        {
            return known == 2;
        }

        var connected = redis.GetServers().Where(server => server.IsConnected).ToArray();
        if (connected.Length == 0)
        {
            return false; // nothing to send to yet: the script fails as unavailable either way
        }

        var isCluster = connected.Any(server => server.ServerType == ServerType.Cluster);
        Volatile.Write(ref topology, isCluster ? 2 : 1);
        return isCluster;
    }

    private Task<bool> UseModuleAsync()
    {
        if (filterOptions.Backend != "auto")
        {
            return Task.FromResult(filterOptions.Backend == "module");
        }

        lock (gate)
        {
            // A failed probe (Redis down) is forgotten so the next call probes again.
            if (moduleProbe is null || moduleProbe.IsFaulted || moduleProbe.IsCanceled)
            {
                moduleProbe = VoterBloomFilterFactory.ServerHasBloomModuleAsync(redis);
            }

            return moduleProbe;
        }
    }

    private async Task EnsureReservedAsync(RedisKey key)
    {
        lock (gate)
        {
            if (reserved.Contains(key!))
            {
                return;
            }
        }

        try
        {
            await redis.GetDatabase().ExecuteAsync(
                "BF.RESERVE", key, filterOptions.FalsePositiveRate, Math.Max(1, filterOptions.ExpectedVoters / shape.Shards));
        }
        catch (RedisServerException e) when (e.Message.Contains("exists", StringComparison.OrdinalIgnoreCase))
        {
            // reserved by another instance or an earlier run
        }

        lock (gate)
        {
            reserved.Add(key!);
        }
    }
}
