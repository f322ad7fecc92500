using StackExchange.Redis;

namespace Voting.Infrastructure.Redis;

/// <summary>
/// Exact "accepted, maybe not yet stored" records: a vote sits in Kafka before the processor writes
/// its participation row, and a second attempt in that window must still be refused. A marker holds
/// the pseudonym only (no choice) and expires once the processor has surely caught up.
/// </summary>
public sealed class AcceptedVoteMarkers(IConnectionMultiplexer redis, RedisOptions options)
{
    public Task<bool> ExistsAsync(string electionId, byte[] pseudonym) =>
        redis.GetDatabase().KeyExistsAsync(Key(electionId, pseudonym));

    public Task SetAsync(string electionId, byte[] pseudonym, TimeSpan ttl) =>
        redis.GetDatabase().StringSetAsync(Key(electionId, pseudonym), 1, ttl);

    private RedisKey Key(string electionId, byte[] pseudonym) =>
        $"{options.KeyPrefix}voted:{electionId}:{Convert.ToHexStringLower(pseudonym)}";
}
