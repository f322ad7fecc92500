using System.Security.Cryptography;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;
using Voting.Infrastructure.Redis;
using Voting.TestSupport;

namespace Voting.Infrastructure.Tests;

public sealed class BloomFilterBackendTests : IAsyncLifetime
{
    private readonly RedisOptions redisOptions = LocalStack.Redis(LocalStack.UniqueName("it") + ":");
    private ConnectionMultiplexer redis = null!;

    public async Task InitializeAsync() => redis = await ConnectionMultiplexer.ConnectAsync(redisOptions.Configuration);

    public async Task DisposeAsync()
    {
        await RedisKeys.DeleteAsync(redis, redisOptions.KeyPrefix);
        await redis.DisposeAsync();
    }

    [Fact]
    public async Task Debian_Redis_has_no_RedisBloom_so_auto_picks_the_bitmap_backend()
    {
        Assert.False(await VoterBloomFilterFactory.ServerHasBloomModuleAsync(redis));
        var filter = await VoterBloomFilterFactory.CreateAsync(redis, redisOptions, new BloomFilterOptions { ExpectedVoters = 1000 }, NullLogger.Instance);
        Assert.Equal("bitmap", filter.Backend);
    }

    [Fact]
    public async Task The_module_backend_speaks_BF_commands_which_this_server_refuses()
    {
        var filter = await VoterBloomFilterFactory.CreateAsync(redis, redisOptions, new BloomFilterOptions { ExpectedVoters = 1000, Backend = "module" }, NullLogger.Instance);
        Assert.Equal("module", filter.Backend);
        var error = await Assert.ThrowsAsync<RedisServerException>(() => filter.MightContainAsync("e", new byte[32]));
        Assert.Contains("unknown command", error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Bitmap_filter_never_forgets_an_added_voter_and_stays_near_its_design_false_positive_rate()
    {
        const int voters = 5_000;
        var options = new BloomFilterOptions { ExpectedVoters = voters, FalsePositiveRate = 0.01, Shards = 8, Backend = "bitmap" };
        var filter = await VoterBloomFilterFactory.CreateAsync(redis, redisOptions, options, NullLogger.Instance);
        var added = Enumerable.Range(0, voters).Select(_ => RandomNumberGenerator.GetBytes(32)).ToArray();

        // In waves of 500: 5,000 scripts at once can exceed the client timeout on a busy 2-core test box.
        var wasPresent = new List<bool>();
        foreach (var wave in added.Chunk(500))
        {
            wasPresent.AddRange(await Task.WhenAll(wave.Select(p => filter.AddAsync("e", p))));
        }

        Assert.True(wasPresent.Count(p => p) < voters * 0.02, "new voters reported present too often while adding");
        Assert.All(await Task.WhenAll(added.Select(p => filter.MightContainAsync("e", p))), Assert.True);
        Assert.All(await Task.WhenAll(added.Take(100).Select(p => filter.AddAsync("e", p))), Assert.True);

        var strangers = await Task.WhenAll(Enumerable.Range(0, 20_000).Select(_ => filter.MightContainAsync("e", RandomNumberGenerator.GetBytes(32))));
        Assert.InRange(strangers.Count(maybe => maybe) / 20_000.0, 0.0, 0.02);

        // Elections don't share bits: another election's filter knows (almost) none of them.
        var inOther = await Task.WhenAll(added.Take(500).Select(p => filter.MightContainAsync("other-election", p)));
        Assert.InRange(inOther.Count(maybe => maybe), 0, 15);
    }
}
