using System.Security.Cryptography;
using Voting.Audit.Auditing;
using Voting.Core.Ballots;
using Voting.Infrastructure.Storage;

namespace Voting.Audit.Tests;

public sealed class BallotLogViewTests
{
    [Fact]
    public void A_placed_row_is_found_at_its_leaf_by_hash_and_by_where_it_is()
    {
        var view = new BallotLogView(10);
        var row = Row("voting_s03", "ballots_17");
        var hash = SHA256.HashData(row.BallotId);

        Assert.False(view.HasRow(4));
        Assert.True(view.TryPlace(4, row, hash, out _));
        Assert.True(view.HasRow(4));
        Assert.False(view.HasRow(3));
        Assert.False(view.HasRow(5));
        Assert.Equal(hash, view.Rebuilt(4).ToArray());
        Assert.Equal($"voting_s03.ballots_17 ballot {Convert.ToHexStringLower(row.BallotId)[..8]}…", view.RowAt(4));
        Assert.Equal(view.RowAt(4), BallotLogView.Where(row));
        // Never the whole ballot id: with it and a receipt, each state and candidate could be tried.
        Assert.DoesNotContain(Convert.ToHexStringLower(row.BallotId)[8..], view.RowAt(4), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(17)]
    public void A_row_whose_ballot_id_is_not_16_bytes_is_refused_naming_it(int length)
    {
        var view = new BallotLogView(3);
        var row = Row("voting_s01", "ballots_02") with { BallotId = RandomNumberGenerator.GetBytes(length) };

        var refused = Assert.Throws<ArgumentException>(() => view.TryPlace(1, row, new byte[BallotHash.Size], out _));

        Assert.Contains($"A ballot id has 16 bytes; voting_s01.ballots_02 ballot {Convert.ToHexStringLower(row.BallotId.AsSpan(0, Math.Min(4, length)))}", refused.Message, StringComparison.Ordinal);
        Assert.False(view.HasRow(1));
    }

    [Fact]
    public void A_second_row_at_a_leaf_is_refused_naming_the_first()
    {
        var view = new BallotLogView(3);
        var first = Row("voting_s00", "ballots_01");
        var second = Row("voting_s09", "ballots_63");
        Assert.True(view.TryPlace(2, first, SHA256.HashData(first.BallotId), out _));

        Assert.False(view.TryPlace(2, second, SHA256.HashData(second.BallotId), out var claimedBy));
        Assert.Equal(BallotLogView.Where(first), claimedBy);
        Assert.Equal(SHA256.HashData(first.BallotId), view.Rebuilt(2).ToArray());
    }

    [Fact]
    public void Leaves_are_placed_only_within_the_log_as_read()
    {
        var view = new BallotLogView(5);
        var row = Row("voting_s00", "ballots_00");
        Assert.Throws<ArgumentOutOfRangeException>(() => view.TryPlace(5, row, new byte[BallotHash.Size], out _));

        view.Grow(200_000);
        Assert.True(view.TryPlace(199_999, row, new byte[BallotHash.Size], out _));
        Assert.True(view.HasRow(199_999));
        Assert.False(view.HasRow(70_000));
        view.Grow(100);
        Assert.Equal(200_000, view.Size);
    }

    /// <summary>
    /// An audit holds this for every ballot: at 38 bytes a leaf, the 150 million ballots of a US
    /// presidential election take 5.7 GB (objects per leaf took ~350 bytes: 52 GB).
    /// </summary>
    [Fact]
    public void The_view_holds_about_thirty_eight_bytes_a_leaf()
    {
        const int leaves = 4 * 65_536;
        var rows = Enumerable.Range(0, 1_024).Select(t => Row($"voting_s{t / 64:00}", $"ballots_{t % 64:00}")).ToArray();
        var hash = new byte[BallotHash.Size];

        var before = GC.GetAllocatedBytesForCurrentThread();
        var view = new BallotLogView(leaves);
        for (var leaf = 0; leaf < leaves; leaf++)
        {
            hash[0] = (byte)leaf;
            Assert.True(view.TryPlace(leaf, rows[leaf % rows.Length], hash, out _));
        }

        var perLeaf = (double)(GC.GetAllocatedBytesForCurrentThread() - before) / leaves;
        Assert.InRange(perLeaf, 38, 39);
        Assert.Equal($"voting_s15.ballots_63 ballot {Convert.ToHexStringLower(rows[1_023].BallotId)[..8]}…", view.RowAt(leaves - 1));
    }

    private static StoredBallot Row(string database, string table) =>
        new(database, table, "e", RandomNumberGenerator.GetBytes(16), "CA", "reyes", new byte[BallotHash.Size], 0);
}
