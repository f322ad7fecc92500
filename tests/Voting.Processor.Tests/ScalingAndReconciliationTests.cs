using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Voting.Core.Sharding;
using Voting.ServiceDefaults;
using Voting.TestSupport;

namespace Voting.Processor.Tests;

public sealed class ScalingAndReconciliationTests
{
    private static readonly string[] Candidates = ["harper", "morgan", "reyes"];

    [Fact]
    public async Task Two_processors_in_one_group_store_and_tally_every_vote_exactly_once()
    {
        await using var first = new ProcessorFactory();
        using var firstClient = await first.StartAsync();
        await using var second = ProcessorFactory.JoiningGroupOf(first);
        using var secondClient = await second.StartAsync();
        // Both own partitions before the votes come: each stores its share (one doing all the work would prove nothing).
        await ProcessorFactory.EventuallyAsync(
            () => Task.FromResult(first.AssignedPartitions().Count > 0 && second.AssignedPartitions().Count > 0 && !first.AssignedPartitions().Intersect(second.AssignedPartitions()).Any()),
            "the group's partitions split between the two processors");

        // Each host's own meters: what each instance stored.
        using var storedByFirst = StoredBallots(first);
        using var storedBySecond = StoredBallots(second);

        var election = LocalStack.UniqueName("e");
        var votes = ProcessorFactory.Votes(election, 1500, Candidates);
        await first.ProduceAsync(votes);
        await first.ProduceAsync(votes.Take(300)); // redelivered while both run

        await ProcessorFactory.EventuallyAsync(async () => await first.CountRowsAsync(election) == (1500, 1500), "1500 ballots stored");
        await ProcessorFactory.EventuallyAsync(async () => (await first.ClickHouseCountsAsync(election)).Values.Sum() == 1500, "1500 votes tallied");
        await first.WaitUntilDrainedAsync(election); // the 300 redelivered come after the originals: they count only once consumed
        Assert.Equal((1500L, 1500L), await first.CountRowsAsync(election));
        Assert.Equal(1500, (await first.ClickHouseCountsAsync(election)).Values.Sum());
        Assert.Empty(await first.Reconciliation.CompareAsync(election, CancellationToken.None));
        // A redelivered batch appended by both gets one position per ballot; the range the second got is handed back or voided.
        await first.AssertLogHoldsEachBallotOnceAsync(election, 1500);
        Assert.True(first.AssignedPartitions().Count > 0 && second.AssignedPartitions().Count > 0, $"still split: {string.Join(",", first.AssignedPartitions())} / {string.Join(",", second.AssignedPartitions())}");
        var (byFirst, bySecond) = (Total(storedByFirst), Total(storedBySecond));
        Assert.True(byFirst > 0 && bySecond > 0 && byFirst + bySecond == 1500, $"ballots stored: {byFirst} by the first, {bySecond} by the second; 1500 in all, by both");
    }

    private static MetricCollector<long> StoredBallots(ProcessorFactory processor) =>
        new(processor.Services.GetRequiredService<IMeterFactory>(), ServiceDefaultsExtensions.MeterName, "voting.processor.ballots_stored");

    private static long Total(MetricCollector<long> counter) => counter.GetMeasurementSnapshot().Sum(m => m.Value);

    /// <summary>
    /// Reconciliation is what the scheduled audit runs during the election: votes being stored and
    /// shipped while it reads must never show as a mismatch (a false alarm on election night).
    /// </summary>
    [Fact]
    public async Task Reconciling_while_votes_are_stored_and_shipped_finds_no_mismatch()
    {
        await using var factory = new ProcessorFactory();
        using var client = await factory.StartAsync();
        var election = LocalStack.UniqueName("e");
        await factory.ProduceAsync(ProcessorFactory.Votes(election, 300, Candidates));
        await ProcessorFactory.EventuallyAsync(async () => (await factory.ClickHouseCountsAsync(election)).Values.Sum() == 300, "300 votes tallied");

        // Votes keep coming until three comparisons have finished while they were still coming, however
        // slow the box is, and after the last one is sent the comparisons go on until all are stored.
        const int VotesPerRound = 100;
        var comparedWhileProducing = 0;
        var producing = Task.Run(async () =>
        {
            var rounds = 0;
            while (Volatile.Read(ref comparedWhileProducing) < 3 && rounds < 200)
            {
                rounds++;
                await factory.ProduceAsync(ProcessorFactory.Votes(election, VotesPerRound, Candidates, 300 + rounds * VotesPerRound));
                await Task.Delay(50);
            }

            return rounds;
        });
        var comparisons = 0;
        var deadline = DateTime.UtcNow.AddSeconds(180);
        while (true)
        {
            var mismatches = await factory.Reconciliation.CompareAsync(election, CancellationToken.None);
            comparisons++;
            Assert.True(mismatches.Count == 0, $"comparison {comparisons}: " + string.Join("; ", mismatches));
            if (!producing.IsCompleted)
            {
                Interlocked.Increment(ref comparedWhileProducing);
                continue;
            }

            var expected = 300 + await producing * VotesPerRound;
            if (await factory.CountRowsAsync(election) == (expected, expected))
            {
                break;
            }

            Assert.True(DateTime.UtcNow < deadline, $"not all {expected} votes stored within 180 s");
        }

        Assert.True(comparedWhileProducing >= 3, "compared while votes were still being stored");
    }

    [Fact]
    public async Task Reconcile_command_says_OK_when_exact_and_names_the_pair_that_differs_after_tampering()
    {
        await using var factory = new ProcessorFactory();
        using var client = await factory.StartAsync();
        var election = LocalStack.UniqueName("e");
        await factory.ProduceAsync(ProcessorFactory.Votes(election, 120, Candidates));
        await ProcessorFactory.EventuallyAsync(async () => (await factory.ClickHouseCountsAsync(election)).Values.Sum() == 120, "120 votes tallied");

        var output = new StringWriter();
        var progress = new StringWriter();
        Assert.Equal(0, await ReconcileCommand.RunAsync(factory.Services, ["reconcile", election], output, progress));
        Assert.StartsWith($"OK: tallies of {election} equal MySQL (120 ballots", output.ToString(), StringComparison.Ordinal);
        var read = progress.ToString().Trim().Split('\n');
        Assert.Equal(16, read.Length);
        Assert.StartsWith("reconcile: 1 of 16 shard databases read (", read[0], StringComparison.Ordinal);
        Assert.StartsWith("reconcile: 16 of 16 shard databases read (", read[15], StringComparison.Ordinal);

        // Someone rewrites Texas's total for reyes straight in ClickHouse: 5 votes more, under a version
        // higher than any the shard has shipped, so it is the one ClickHouse reads.
        var expectedTexas = (await factory.MySqlCountsAsync(election)).GetValueOrDefault("TX/reyes");
        var texasShard = ShardRouter.DatabaseFor("TX");
        await factory.Tallies.ExecuteAsync(
            $"INSERT INTO {factory.Tallies.Options.Database}.tally_totals (election_id, shard, state, candidate, votes, version) " +
            $"VALUES ('{election}', {texasShard}, 'TX', 'reyes', {expectedTexas + 5}, 1000000)",
            CancellationToken.None);
        output = new StringWriter();
        Assert.Equal(1, await ReconcileCommand.RunAsync(factory.Services, ["reconcile", election], output));
        Assert.Contains($"MISMATCH TX reyes: MySQL {expectedTexas}, tallies {expectedTexas + 5}", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("FAILED: 1 state/candidate pairs", output.ToString(), StringComparison.Ordinal);
        Assert.Contains($"rebuild-tallies {election}` rebuilds the tallies", output.ToString(), StringComparison.Ordinal);
        Assert.Equal(2, await ReconcileCommand.RunAsync(factory.Services, ["reconcile"], TextWriter.Null));
        Assert.Equal(2, await ReconcileCommand.RunAsync(factory.Services, ["reconcile", " "], TextWriter.Null));

        // A mistyped id has nothing anywhere: still equal, and said so.
        output = new StringWriter();
        Assert.Equal(0, await ReconcileCommand.RunAsync(factory.Services, ["reconcile", election + "-typo"], output));
        Assert.Contains($"NOTE: neither MySQL nor ClickHouse holds anything of {election}-typo", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reconcile_without_a_usable_configuration_ends_with_one_error_line_and_exit_3()
    {
        await using var nothing = new ServiceCollection().BuildServiceProvider();
        var output = new StringWriter();

        Assert.Equal(3, await ReconcileCommand.RunAsync(nothing, ["reconcile", "us-2028"], output));

        var line = Assert.Single(output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("ERROR: could not reconcile us-2028: ", line, StringComparison.Ordinal);
    }
}
