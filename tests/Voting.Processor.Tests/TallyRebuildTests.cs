using Microsoft.Extensions.DependencyInjection;
using Voting.Core.Sharding;
using Voting.Infrastructure.ClickHouse;
using Voting.Infrastructure.MySql;
using Voting.Infrastructure.Storage;
using Voting.TestSupport;

namespace Voting.Processor.Tests;

/// <summary>
/// <c>rebuild-tallies</c>: when reconciliation finds the tallies wrong, they are rebuilt from the
/// stored ballots, in MySQL and in ClickHouse, while the processor runs.
/// </summary>
public sealed class TallyRebuildTests
{
    private static readonly string[] Candidates = ["harper", "morgan", "reyes"];

    [Fact]
    public async Task Tallies_forged_in_MySQL_and_in_ClickHouse_are_rebuilt_from_the_ballots_and_a_second_run_changes_nothing()
    {
        await using var factory = new ProcessorFactory();
        using var client = await factory.StartAsync();
        var election = LocalStack.UniqueName("e");
        await factory.ProduceAsync(ProcessorFactory.Votes(election, 300, Candidates));
        await ProcessorFactory.EventuallyAsync(async () => (await factory.ClickHouseCountsAsync(election)).Values.Sum() == 300, "300 votes tallied");
        var truth = await factory.MySqlCountsAsync(election);

        // Forged in ClickHouse: Texas's morgan 5 votes more under the highest version there is, above
        // any the rebuild can give; a candidate on no ballot; counts under a shard that does not exist
        // (as carried over from per-batch tallies).
        var db = factory.Tallies.Options.Database;
        var texas = ShardRouter.DatabaseFor("TX");
        await factory.Tallies.ExecuteAsync(
            $"INSERT INTO {db}.tally_totals (election_id, shard, state, candidate, votes, version) VALUES " +
            $"('{election}', {texas}, 'TX', 'morgan', {truth["TX/morgan"] + 5}, {ulong.MaxValue}), " +
            $"('{election}', {ShardRouter.DatabaseFor("PA")}, 'PA', 'mallory', 40, 1), " +
            $"('{election}', 255, 'CA', 'harper', 3, 1)",
            CancellationToken.None);

        // Forged in MySQL: Ohio's morgan 7 votes more, raised as a fold would, so the processor ships it.
        var ohio = ShardRouter.DatabaseFor("OH");
        await TallyOutboxTests.ScalarAsync(factory, ohio,
            $"UPDATE tally_totals SET votes = votes + 7, version = version + 1 WHERE election_id = '{election}' AND state = 'OH' AND candidate = 'morgan'");
        await ProcessorFactory.EventuallyAsync(
            async () => (await factory.ClickHouseCountsAsync(election)).GetValueOrDefault("OH/morgan") == truth["OH/morgan"] + 7, "the forged Ohio total shipped");

        Assert.Equal(
            ["CA/harper", "OH/morgan", "PA/mallory", "TX/morgan"],
            (await factory.Reconciliation.CompareAsync(election, CancellationToken.None)).Select(m => $"{m.State}/{m.Candidate}"));

        var output = new StringWriter();
        Assert.Equal(0, await RebuildTalliesCommand.RunAsync(factory.Services, ["rebuild-tallies", election], output));
        var text = output.ToString();
        Assert.Contains($"shard {ohio,2}: ", text, StringComparison.Ordinal);
        Assert.Contains("1 of them corrected, 3 ClickHouse row(s) deleted; the tallies equal MySQL", text, StringComparison.Ordinal);
        Assert.Empty(await factory.Reconciliation.CompareAsync(election, CancellationToken.None));
        Assert.Equal(truth.OrderBy(p => p.Key, StringComparer.Ordinal), (await factory.ClickHouseCountsAsync(election)).OrderBy(p => p.Key, StringComparer.Ordinal));

        output = new StringWriter();
        Assert.Equal(0, await RebuildTalliesCommand.RunAsync(factory.Services, ["rebuild-tallies", election], output));
        Assert.Contains("0 of them corrected, 0 ClickHouse row(s) deleted", output.ToString(), StringComparison.Ordinal);
        Assert.Equal(truth.OrderBy(p => p.Key, StringComparer.Ordinal), (await factory.ClickHouseCountsAsync(election)).OrderBy(p => p.Key, StringComparer.Ordinal));

        Assert.Equal(2, await RebuildTalliesCommand.RunAsync(factory.Services, ["rebuild-tallies"], TextWriter.Null));
    }

    [Fact]
    public async Task A_store_that_cannot_be_read_ends_reconcile_and_rebuild_with_one_error_line_and_exit_3()
    {
        // Shard databases that were never created.
        var shards = new MySqlShardConnections(LocalStack.MySql(LocalStack.UniqueName("none") + "_s"));
        using var tallies = new ClickHouseTallyStore(LocalStack.ClickHouse(LocalStack.UniqueName("none")));
        var reconciliation = new TallyReconciliation(shards, tallies);
        await using var services = new ServiceCollection()
            .AddSingleton(reconciliation)
            .AddSingleton(new TallyRebuild(shards, tallies, new TallyOutbox(shards, tallies), reconciliation, TimeProvider.System))
            .BuildServiceProvider();

        var output = new StringWriter();
        Assert.Equal(3, await ReconcileCommand.RunAsync(services, ["reconcile", "e1"], output));
        Assert.StartsWith("ERROR: could not reconcile e1: ", output.ToString(), StringComparison.Ordinal);
        Assert.Single(output.ToString().TrimEnd().Split('\n'));

        output = new StringWriter();
        Assert.Equal(3, await RebuildTalliesCommand.RunAsync(services, ["rebuild-tallies", "e1"], output));
        Assert.StartsWith("ERROR: the rebuild of e1 did not finish: ", output.ToString().Split('\n')[1], StringComparison.Ordinal);
    }

    /// <summary>
    /// A shard's totals lost and rebuilt by folding again start their versions over, below the ones
    /// ClickHouse kept, so ClickHouse goes on reading the old totals: the gap reconciliation reports
    /// and the rebuild closes.
    /// </summary>
    [Fact]
    public async Task A_shard_whose_totals_started_over_while_ClickHouse_kept_its_rows_is_rebuilt()
    {
        await using var factory = new ProcessorFactory();
        await TallyOutboxTests.MigrateAsync(factory);
        await TallyOutboxTests.MigrateLogAsync(factory);
        var election = LocalStack.UniqueName("e");
        var outbox = new TallyOutbox(factory.Shards, factory.Tallies);
        for (var round = 0; round < 3; round++)
        {
            var outcome = await ProcessorWrites.RecordAsync(factory.Shards, ProcessorFactory.Votes(election, 60, Candidates, round * 60));
            await outbox.ShipAsync(outcome.Shards, CancellationToken.None);
        }

        var california = ShardRouter.DatabaseFor("CA");
        await TallyOutboxTests.ScalarAsync(factory, california, $"DELETE FROM tally_totals WHERE election_id = '{election}'");
        var later = await ProcessorWrites.RecordAsync(factory.Shards, ProcessorFactory.Votes(election, 60, Candidates, 180));
        await outbox.ShipAsync(later.Shards, CancellationToken.None);
        var stale = await factory.Reconciliation.CompareAsync(election, CancellationToken.None);
        Assert.Contains(stale, m => m.State == "CA" && m.Tallied < m.MySql);

        var rebuild = new TallyRebuild(factory.Shards, factory.Tallies, outbox, factory.Reconciliation, TimeProvider.System);
        var report = await rebuild.RebuildAsync(election, TextWriter.Null, CancellationToken.None);

        Assert.Empty(report.Mismatches);
        Assert.Equal(stale.Count, report.Corrected);
        Assert.Equal(0, report.ClickHouseRowsDeleted);
        Assert.Equal(240, (await factory.ClickHouseCountsAsync(election)).Values.Sum());

        // Folding goes on from the rebuilt totals.
        var after = await ProcessorWrites.RecordAsync(factory.Shards, ProcessorFactory.Votes(election, 60, Candidates, 240));
        await outbox.ShipAsync(after.Shards, CancellationToken.None);
        Assert.Empty(await factory.Reconciliation.CompareAsync(election, CancellationToken.None));
        Assert.Equal(300, (await factory.ClickHouseCountsAsync(election)).Values.Sum());
    }

    [Fact]
    public async Task Rebuilding_while_votes_are_stored_and_shipped_counts_every_vote_once()
    {
        await using var factory = new ProcessorFactory();
        using var client = await factory.StartAsync();
        var election = LocalStack.UniqueName("e");
        await factory.ProduceAsync(ProcessorFactory.Votes(election, 300, Candidates));
        await ProcessorFactory.EventuallyAsync(async () => (await factory.ClickHouseCountsAsync(election)).Values.Sum() == 300, "300 votes tallied");

        var producing = Task.Run(async () =>
        {
            for (var round = 1; round <= 10; round++)
            {
                await factory.ProduceAsync(ProcessorFactory.Votes(election, 150, Candidates, 300 * round));
                await Task.Delay(100);
            }
        });
        var rebuild = factory.Services.GetRequiredService<TallyRebuild>();
        do
        {
            Assert.Empty((await rebuild.RebuildAsync(election, TextWriter.Null, CancellationToken.None)).Mismatches);
        }
        while (!producing.IsCompleted);

        await producing;
        await ProcessorFactory.EventuallyAsync(async () => await factory.CountRowsAsync(election) == (1800, 1800), "1800 ballots stored");
        await ProcessorFactory.EventuallyAsync(async () => (await factory.ClickHouseCountsAsync(election)).Values.Sum() == 1800, "1800 votes tallied");
        Assert.Empty(await factory.Reconciliation.CompareAsync(election, CancellationToken.None));
        Assert.Equal(
            (await factory.MySqlCountsAsync(election)).OrderBy(p => p.Key, StringComparer.Ordinal),
            (await factory.ClickHouseCountsAsync(election)).OrderBy(p => p.Key, StringComparer.Ordinal));
    }
}
