using StackExchange.Redis;
using Voting.TestSupport;

namespace Voting.Faults.Tests;

/// <summary>
/// Redis loses everything (FLUSHALL: the Bloom filters, accepted-markers, locks and caches gone) in
/// the middle of an election. Every Redis user on the stack is affected, so this runs alone.
/// </summary>
[Trait("Category", StackControl.FaultCategory)]
[Collection(ServerFaultCollection.Name)]
public sealed class RedisEmptiedTests
{
    [Fact]
    public async Task After_Redis_is_emptied_no_voter_gets_a_second_ballot_accepted_and_the_filter_is_rebuilt()
    {
        await using var pipeline = new FaultPipeline("flush");
        await pipeline.StartAsync(ingestInstances: 1);
        var voted = new VoteLoad(pipeline, "flush-voter", 300);
        await voted.RunAsync(workers: 8, CancellationToken.None);
        Assert.Equal(300, voted.Accepted.Count);
        // Those 300 are stored; the next 100 are accepted while the processor is down, so they are in
        // Kafka only when Redis loses its data: both kinds must be recognised afterwards.
        await pipeline.SettleAsync();
        await pipeline.KillProcessorAsync();
        var late = new VoteLoad(pipeline, "flush-late-voter", 100);
        await late.RunAsync(workers: 8, CancellationToken.None);
        Assert.Equal(100, late.Accepted.Count);

        using (var admin = await ConnectionMultiplexer.ConnectAsync(LocalStack.Redis().Configuration + ",allowAdmin=true"))
        {
            await admin.GetServers().Single().FlushAllDatabasesAsync();
        }

        // Everyone who voted is refused again — while the filter is gone, while it is rebuilt, and after.
        // Until the processor is back and has stored the 100, nobody can be admitted safely (503, retried).
        var again = new VoteLoad(pipeline, "flush-voter", 300);
        var lateAgain = new VoteLoad(pipeline, "flush-late-voter", 100);
        var fresh = new VoteLoad(pipeline, "flush-new-voter", 100);
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(150));
        var recasting = Task.WhenAll(again.RunAsync(4, stop.Token), lateAgain.RunAsync(4, stop.Token), fresh.RunAsync(4, stop.Token));
        await Task.Delay(TimeSpan.FromSeconds(5));
        Assert.True(again.Answered + lateAgain.Answered + fresh.Answered == 0, "someone was answered before the votes in Kafka were stored");
        await pipeline.StartProcessorAsync();
        await recasting;
        Assert.True(again.Accepted.Count == 0 && again.Refused.Count == 300, "the first 300 again: " + again.Describe());
        Assert.True(lateAgain.Accepted.Count == 0 && lateAgain.Refused.Count == 100, "the 100 not yet stored at the flush, again: " + lateAgain.Describe());
        Assert.True(fresh.Accepted.Count == 100, "new voters: " + fresh.Describe());

        // The filter is rebuilt from the participation tables: every shard trusted again, and the voters in it.
        using var redis = await ConnectionMultiplexer.ConnectAsync(LocalStack.Redis().Configuration);
        await Eventually.TrueAsync(async () => await FilterReadyAsync(redis, pipeline), "the election's filter rebuilt (every shard 'ready')");
        var afterRebuild = new VoteLoad(pipeline, "flush-voter", 300);
        await afterRebuild.RunAsync(8, CancellationToken.None);
        Assert.True(afterRebuild.Accepted.Count == 0 && afterRebuild.Refused.Count == 300, "the first 300 after the rebuild: " + afterRebuild.Describe());

        await pipeline.SettleAsync();
        var outcome = await FaultOutcome.MeasureAsync("Redis emptied (FLUSHALL) mid-election", pipeline, [voted, late, fresh],
            $"{again.Refused.Count + lateAgain.Refused.Count + afterRebuild.Refused.Count} repeat casts all refused; filter rebuilt");
        FaultSummary.Record(outcome);
        outcome.AssertGuarantees();
        Assert.Equal(500, outcome.Stored);
    }

    private static async Task<bool> FilterReadyAsync(IConnectionMultiplexer redis, FaultPipeline pipeline)
    {
        var states = await RedisKeys.ListAsync(redis, $"{pipeline.RedisPrefix}filter-state:{pipeline.Election}:");
        if (states.Count == 0)
        {
            return false;
        }

        var values = await redis.GetDatabase().StringGetAsync([.. states]);
        return states.Count == LocalStack.Bind<Voting.Infrastructure.Redis.BloomFilterOptions>(Voting.Infrastructure.Redis.BloomFilterOptions.Section).Shards
               && values.All(v => v == "ready");
    }
}
