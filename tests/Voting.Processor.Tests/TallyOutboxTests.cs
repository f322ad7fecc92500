using Voting.Infrastructure.MySql;
using Voting.TestSupport;

namespace Voting.Processor.Tests;

public sealed class TallyOutboxTests
{
    [Fact]
    public async Task Counts_committed_with_ballots_but_never_shipped_reach_ClickHouse_when_a_processor_starts()
    {
        await using var factory = new ProcessorFactory();
        // A predecessor stored a batch and died before shipping its counts.
        await new MySqlSchemaMigrator(factory.Shards, TestLoggers.For<MySqlSchemaMigrator>()).MigrateAsync(MySqlMigrations.All, CancellationToken.None);
        var election = LocalStack.UniqueName("e");
        var outcome = await new BallotStore(factory.Shards).WriteBatchAsync(ProcessorFactory.Votes(election, 90, ["harper", "morgan"]), CancellationToken.None);
        Assert.Equal(90, outcome.Stored.Count);

        using var client = await factory.StartAsync();

        await ProcessorFactory.EventuallyAsync(async () => (await factory.ClickHouseCountsAsync(election)).Values.Sum() == 90, "90 votes tallied after start");
        Assert.Equal(
            (await factory.MySqlCountsAsync(election)).OrderBy(p => p.Key, StringComparer.Ordinal),
            (await factory.ClickHouseCountsAsync(election)).OrderBy(p => p.Key, StringComparer.Ordinal));
    }
}
