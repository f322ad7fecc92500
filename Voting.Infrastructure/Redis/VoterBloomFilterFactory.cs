using Microsoft.Extensions.Logging;
using StackExchange.Redis;
using Voting.Core.Dedup;

namespace Voting.Infrastructure.Redis;

/// <summary>Chooses the Bloom backend: RedisBloom when the server has <c>BF.ADD</c>, else bitmaps.</summary>
public static class VoterBloomFilterFactory
{
    /// <summary>Probes the server (where <see cref="BloomFilterOptions.Backend"/> is <c>auto</c>) and builds the filter.</summary>
    public static async Task<IVoterBloomFilter> CreateAsync(
        IConnectionMultiplexer redis, RedisOptions redisOptions, BloomFilterOptions options, ILogger logger)
    {
        var shape = BloomFilterShape.For(options.ExpectedVoters, options.FalsePositiveRate, options.Shards);
        var useModule = options.Backend switch
        {
            "module" => true,
            "bitmap" => false,
            _ => await ServerHasBloomModuleAsync(redis),
        };
        IVoterBloomFilter filter = useModule
            ? new RedisBloomModuleFilter(redis, redisOptions, shape, options)
            : new RedisBitmapBloomFilter(redis, redisOptions, shape);
        logger.LogInformation(
            "Voter Bloom filter: {Backend} backend, {Shards} shards, {Hashes} hashes, {MiB:F1} MiB per election for {Voters} voters at {Rate} false positives",
            filter.Backend, shape.Shards, shape.HashCount, shape.TotalBytes / 1048576.0, options.ExpectedVoters, options.FalsePositiveRate);
        return filter;
    }

    /// <summary>True when the server knows <c>BF.ADD</c> (COMMAND INFO answers nil for unknown commands).</summary>
    public static async Task<bool> ServerHasBloomModuleAsync(IConnectionMultiplexer redis)
    {
        var info = (RedisResult[])(await redis.GetDatabase().ExecuteAsync("COMMAND", "INFO", "BF.ADD"))!;
        return info.Length > 0 && !info[0].IsNull;
    }
}
