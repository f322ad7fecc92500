using StackExchange.Redis;
using Voting.Core.Dedup;

namespace Voting.Infrastructure.Redis;

/// <summary>
/// The Redis keys of one election's duplicate filter: each shard's filter and its state. Both name
/// the backend and the layout (<see cref="BloomFilterShape.Tag"/>): after the filter's settings or
/// its backend change, ingest finds no filter under the new names and rebuilds one from the
/// participation tables (checking every voter exactly meanwhile), instead of reading bits written
/// with another layout, whose "definitely new" would be wrong. The shard is the hash tag, so a
/// shard's keys and its voters' keys share a cluster slot.
/// </summary>
public static class VoterFilterKeys
{
    /// <summary>The filter of one shard (a bitmap, or a RedisBloom filter when <paramref name="module"/>).</summary>
    public static RedisKey Filter(string keyPrefix, string electionId, BloomFilterShape shape, int shard, bool module) =>
        $"{keyPrefix}{(module ? "bf" : "bloom")}:{electionId}:{shape.Tag}:{{{shard}}}";

    /// <summary>The state (being built, ready) of that filter.</summary>
    public static RedisKey State(string keyPrefix, string electionId, BloomFilterShape shape, int shard, bool module) =>
        $"{keyPrefix}filter-state:{electionId}:{(module ? "bf" : "bloom")}:{shape.Tag}:{{{shard}}}";
}
