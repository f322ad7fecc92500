using StackExchange.Redis;
using Voting.Core.Dedup;

namespace Voting.Infrastructure.Redis;

/// <summary>
/// The Redis half of "one lock, two checks, three updates", in two round trips per accepted vote:
/// <see cref="EnterAsync"/> takes the voter's lock and runs the filter and marker checks in one
/// script; <see cref="CommitAsync"/> adds the voter to the filter, sets the accepted-marker and
/// releases the lock in another. The lock, the marker and the filter shard of one voter share a
/// hash tag, so both scripts also run on Redis Cluster. The filter is RedisBloom (<c>BF.*</c>) or
/// plain bitmaps with the bits of <see cref="BloomFilterShape"/> (the same bits
/// <see cref="RedisBitmapBloomFilter"/> reads and writes).
/// </summary>
public sealed class VoterGate
{
    // KEYS[4] is the shard's filter state: absent (never built, or lost with Redis) refuses until a
    // rebuild has caught up with everything accepted before; 'exact' (being rebuilt) sends every voter
    // to the authoritative check; 'ready' trusts the filter's "no".
    private const string EnterScript = """
        local state = redis.call('GET', KEYS[4])
        if not state then return 4 end
        if not redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 3 end
        local maybe = true
        if state == 'ready' then
          if ARGV[3] == 'module' then
            maybe = redis.call('BF.EXISTS', KEYS[2], ARGV[4]) == 1
          else
            for i = 5, #ARGV do
              if redis.call('GETBIT', KEYS[2], ARGV[i]) == 0 then maybe = false break end
            end
          end
        end
        if not maybe then return 0 end
        if redis.call('EXISTS', KEYS[3]) == 1 then redis.call('DEL', KEYS[1]) return 2 end
        if state == 'ready' then return 1 end
        return 5
        """;

    private const string CommitScript = """
        if ARGV[3] == 'module' then
          redis.call('BF.ADD', KEYS[2], ARGV[4])
        else
          for i = 5, #ARGV do redis.call('SETBIT', KEYS[2], ARGV[i], 1) end
        end
        redis.call('SET', KEYS[3], 1, 'EX', ARGV[2])
        if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
        return 1
        """;

    private const string LeaveScript = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end";

    private const string ReadyState = "ready";
    private const string ExactState = "exact";

    private readonly IConnectionMultiplexer redis;
    private readonly RedisOptions options;
    private readonly BloomFilterShape shape;
    private readonly BloomFilterOptions filterOptions;
    private readonly Lock gate = new();
    private readonly HashSet<string> reserved = [];
    private Task<bool>? moduleProbe;

    public VoterGate(IConnectionMultiplexer redis, RedisOptions options, BloomFilterOptions filterOptions)
    {
        this.redis = redis;
        this.options = options;
        this.filterOptions = filterOptions;
        shape = BloomFilterShape.For(filterOptions.ExpectedVoters, filterOptions.FalsePositiveRate, filterOptions.Shards);
    }

    public BloomFilterShape Shape => shape;

    /// <summary>Takes the voter's lock (unless someone holds it) and checks filter and marker.</summary>
    public async Task<(VoterAdmission Admission, string Token)> EnterAsync(string electionId, byte[] pseudonym, TimeSpan lockTtl)
    {
        var token = Guid.NewGuid().ToString("N");
        var (keys, args) = await ScriptInputsAsync(electionId, pseudonym, token, (long)lockTtl.TotalMilliseconds);
        var answer = (long)await redis.GetDatabase().ScriptEvaluateAsync(EnterScript, keys, args);
        return ((VoterAdmission)answer, token);
    }

    /// <summary>After Kafka acknowledged: adds the voter to the filter, marks them accepted, releases the lock.</summary>
    public async Task CommitAsync(string electionId, byte[] pseudonym, string token, TimeSpan markerTtl)
    {
        var (keys, args) = await ScriptInputsAsync(electionId, pseudonym, token, (long)markerTtl.TotalSeconds);
        if ((string?)args[2] == "module")
        {
            await EnsureReservedAsync(keys[1]);
        }

        await redis.GetDatabase().ScriptEvaluateAsync(CommitScript, keys, args);
    }

    /// <summary>Releases the lock without recording anything (the vote was refused or not durable).</summary>
    public Task LeaveAsync(string electionId, byte[] pseudonym, string token)
    {
        var shard = Locate(pseudonym, out _);
        return redis.GetDatabase().ScriptEvaluateAsync(LeaveScript, [LockKey(electionId, shard, pseudonym)], [token]);
    }

    /// <summary>The backend in use: <c>module</c> or <c>bitmap</c> (probed once when configured as <c>auto</c>).</summary>
    public async Task<string> BackendAsync() => await UseModuleAsync() ? "module" : "bitmap";

    /// <summary>The election's filter state: <see cref="VoterFilterState.Ready"/> only when every shard is.</summary>
    public async Task<VoterFilterState> FilterStateAsync(string electionId)
    {
        var database = redis.GetDatabase();
        var states = await Task.WhenAll(Enumerable.Range(0, shape.Shards).Select(shard => database.StringGetAsync(FilterStateKey(electionId, shard))));
        return states.Any(s => s.IsNull) ? VoterFilterState.Missing
            : states.All(s => s == ReadyState) ? VoterFilterState.Ready
            : VoterFilterState.Exact;
    }

    /// <summary>Sets every shard of the election's filter to <paramref name="state"/> (<see cref="VoterFilterState.Missing"/> is not settable).</summary>
    public Task SetFilterStateAsync(string electionId, VoterFilterState state)
    {
        ArgumentOutOfRangeException.ThrowIfEqual(state, VoterFilterState.Missing);
        var value = state == VoterFilterState.Ready ? ReadyState : ExactState;
        var database = redis.GetDatabase();
        return Task.WhenAll(Enumerable.Range(0, shape.Shards).Select(shard => database.StringSetAsync(FilterStateKey(electionId, shard), value)));
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
            var shard = Locate(pseudonym, out var offsets);
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

    private async Task<(RedisKey[] Keys, RedisValue[] Args)> ScriptInputsAsync(string electionId, byte[] pseudonym, string token, long ttl)
    {
        var shard = Locate(pseudonym, out var offsets);
        var module = await UseModuleAsync();
        var args = new RedisValue[4 + (module ? 0 : offsets.Length)];
        args[0] = token;
        args[1] = ttl;
        args[2] = module ? "module" : "bitmap";
        args[3] = pseudonym;
        if (!module)
        {
            for (var i = 0; i < offsets.Length; i++)
            {
                args[4 + i] = offsets[i];
            }
        }

        RedisKey[] keys =
        [
            LockKey(electionId, shard, pseudonym),
            FilterKey(electionId, shard, module),
            $"{options.KeyPrefix}voted:{electionId}:{{{shard}}}:{Convert.ToHexStringLower(pseudonym)}",
            FilterStateKey(electionId, shard),
        ];
        return (keys, args);
    }

    private RedisKey FilterStateKey(string electionId, int shard) => $"{options.KeyPrefix}filter-state:{electionId}:{{{shard}}}";

    private RedisKey FilterKey(string electionId, int shard, bool module) => $"{options.KeyPrefix}{(module ? "bf" : "bloom")}:{electionId}:{{{shard}}}";

    private int Locate(byte[] pseudonym, out long[] offsets)
    {
        offsets = new long[shape.HashCount];
        return shape.Locate(pseudonym, offsets);
    }

    private RedisKey LockKey(string electionId, int shard, byte[] pseudonym) =>
        $"{options.KeyPrefix}lock:{electionId}:{{{shard}}}:{Convert.ToHexStringLower(pseudonym)}";

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
