using Voting.Infrastructure.ClickHouse;
using Voting.Infrastructure.Storage;

namespace Voting.Infrastructure.Tests;

/// <summary>
/// Which count reconciliation takes for one shard's total of one pair, given the shard's total (read
/// last, in the snapshot with its ballots), ClickHouse's row (read before), and the version the shard
/// had recorded as shipped before ClickHouse was read. The ballots minus the outbox say 100.
/// </summary>
public sealed class TallyReconciliationRulesTests
{
    private const long Expected = 100;

    private static ShippedTotal Shipped(ulong votes, ulong version) => new(3, "TX", "morgan", votes, version);

    [Fact]
    public void ClickHouse_holding_the_shards_version_is_taken_as_it_is() =>
        Assert.Equal(100, TallyReconciliation.Tallied(new RunningTotal(100, 7, 7), Shipped(100, 7), 7, Expected));

    [Fact]
    public void A_total_folded_or_shipped_after_ClickHouse_was_read_is_taken_from_the_shard() =>
        Assert.Equal(100, TallyReconciliation.Tallied(new RunningTotal(100, 8, 8), Shipped(90, 7), 7, Expected));

    [Fact]
    public void A_total_never_shipped_is_taken_from_the_shard() =>
        Assert.Equal(100, TallyReconciliation.Tallied(new RunningTotal(100, 1, 0), null, 0, Expected));

    [Fact]
    public void A_ClickHouse_row_above_the_shards_version_is_taken_so_the_difference_shows() =>
        Assert.Equal(105, TallyReconciliation.Tallied(new RunningTotal(100, 7, 7), Shipped(105, 9), 7, Expected));

    [Fact]
    public void A_row_ClickHouse_lost_after_the_shard_recorded_it_shipped_counts_nothing() =>
        Assert.Equal(0, TallyReconciliation.Tallied(new RunningTotal(100, 7, 7), null, 7, Expected));

    [Fact]
    public void A_ClickHouse_row_older_than_the_one_recorded_shipped_is_taken_so_the_difference_shows() =>
        Assert.Equal(90, TallyReconciliation.Tallied(new RunningTotal(100, 8, 8), Shipped(90, 7), 8, Expected));

    [Fact]
    public void A_ClickHouse_total_the_shard_does_not_hold_is_taken() =>
        Assert.Equal(40, TallyReconciliation.Tallied(null, Shipped(40, 1), 0, 0));

    [Fact]
    public void At_one_version_with_two_counts_the_one_that_differs_from_the_ballots_is_taken()
    {
        Assert.Equal(105, TallyReconciliation.Tallied(new RunningTotal(100, 7, 7), Shipped(105, 7), 7, Expected));
        Assert.Equal(93, TallyReconciliation.Tallied(new RunningTotal(93, 7, 7), Shipped(100, 7), 7, Expected));
    }
}
