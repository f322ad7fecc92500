using StackExchange.Redis;

namespace Voting.Infrastructure.Redis;

/// <summary>
/// A short lock per voter pseudonym, so two requests of one voter can never pass the duplicate
/// checks together. It expires by itself if its holder dies.
/// </summary>
public sealed class VoterLocks(IConnectionMultiplexer redis, RedisOptions options)
{
    private const string ReleaseIfOwner = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end";

    /// <summary>A token to release with, or null when someone else holds the lock.</summary>
    public async Task<string?> TryAcquireAsync(string electionId, byte[] pseudonym, TimeSpan ttl)
    {
        var token = Guid.NewGuid().ToString("N");
        return await redis.GetDatabase().StringSetAsync(Key(electionId, pseudonym), token, ttl, When.NotExists) ? token : null;
    }

    /// <summary>Releases the lock only if it is still ours (it may have expired and been taken).</summary>
    public Task ReleaseAsync(string electionId, byte[] pseudonym, string token) =>
        redis.GetDatabase().ScriptEvaluateAsync(ReleaseIfOwner, [Key(electionId, pseudonym)], [token]);

    private RedisKey Key(string electionId, byte[] pseudonym) =>
        $"{options.KeyPrefix}lock:{electionId}:{Convert.ToHexStringLower(pseudonym)}";
}
