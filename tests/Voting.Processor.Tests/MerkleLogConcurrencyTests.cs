using System.Security.Cryptography;
using MySqlConnector;
using Voting.Core.Merkle;
using Voting.Infrastructure.MySql;
using Voting.Infrastructure.Storage;
using Voting.TestSupport;

namespace Voting.Processor.Tests;

/// <summary>
/// Appenders (processor instances, batches in flight) fill the log ranges handed to them at the same
/// time; a range its appender never fills is voided, and the log's size, the only size checkpoints
/// take, is always a prefix in which every position holds its leaf.
/// </summary>
public sealed class MerkleLogConcurrencyTests
{
    [Fact]
    public async Task Appenders_at_once_give_every_ballot_one_position_and_leave_no_gap()
    {
        await using var factory = await ProcessorFactory.MigratedAsync();
        var election = LocalStack.UniqueName("e");
        var batches = Enumerable.Range(0, 6).Select(b => ProcessorFactory.Votes(election, 500, ["harper", "morgan"], firstVoter: b * 1_000)).ToList();

        // Six appenders at once, and a seventh with the same batch as the first (two processors
        // holding one batch during a rebalance): each ballot gets one position, and both see it.
        var appended = await Task.WhenAll(batches.Append(batches[0]).Select(batch => Task.Run(
            () => new MerkleLogAppender(factory.Shards).AppendAsync(batch, CancellationToken.None))));

        Assert.Equal(3_000, appended.Sum(a => a.Appended));
        Assert.All(batches[0], v => Assert.Equal(appended[0].Positions[BallotStore.HashKey(v)], appended[6].Positions[BallotStore.HashKey(v)]));

        // The appender that came second with the repeated batch had a range too: handed back if no
        // range was handed out after it, else filled with void leaves. No position is left empty.
        var size = await factory.Log.TreeSizeAsync(election, CancellationToken.None);
        Assert.True(size is 3_000 or 3_500, $"log size {size}");
        Assert.Equal(size, await factory.Log.ReservedSizeAsync(election, CancellationToken.None));
        var leaves = await factory.Log.LeavesAsync(election, 0, size, CancellationToken.None).ToListAsync();
        Assert.Equal(Enumerable.Range(0, (int)size).Select(i => (long)i), leaves.Select(l => l.Index));
        var ballots = leaves.Where(l => !VoidLeaf.Is(election, l.Index, l.BallotHash)).ToList();
        Assert.Equal(
            batches.SelectMany(b => b).Select(v => Convert.ToHexString(v.BallotHash)).Order(),
            ballots.Select(l => Convert.ToHexString(l.BallotHash)).Order());
        var voids = leaves.Where(l => VoidLeaf.Is(election, l.Index, l.BallotHash)).Select(l => l.Index).ToList();
        Assert.Equal(size - 3_000, voids.Count);
        Assert.True(voids.Count == 0 || voids[^1] - voids[0] == 499, "the void leaves are one range");
        Assert.All(appended.SelectMany(a => a.Positions), p => Assert.Equal(Convert.ToHexString(leaves[(int)p.Value].BallotHash), p.Key.ToString()));
        Assert.Equal(0, await OpenRangesAsync(factory.Shards, election));
    }

    [Fact]
    public async Task A_range_whose_appender_went_silent_is_voided_once_stale_and_the_appender_if_alive_writes_nothing_there()
    {
        await using var factory = await ProcessorFactory.MigratedAsync();
        var election = LocalStack.UniqueName("e");
        var reservations = new MerkleLogReservations(factory.Shards);
        var appender = new MerkleLogAppender(factory.Shards);
        await appender.AppendAsync(ProcessorFactory.Votes(election, 10, ["harper"]), CancellationToken.None);

        // Its machine vanished without closing the connection: the session, and the range's lock,
        // live on in the server; appenders after it go on.
        await using var silent = await reservations.ReserveAsync(election, 5, CancellationToken.None);
        await appender.AppendAsync(ProcessorFactory.Votes(election, 8, ["harper"], firstVoter: 100), CancellationToken.None);
        Assert.Equal(10, await factory.Log.TreeSizeAsync(election, CancellationToken.None));
        Assert.Equal(0, await reservations.ReleaseAbandonedAsync(election, CancellationToken.None)); // held, and not stale yet

        // Stale: voided, and the size moves past it.
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        Assert.Equal(5, await reservations.ReleaseAbandonedAsync(election, TimeSpan.FromSeconds(1), CancellationToken.None));
        Assert.Equal(23, await factory.Log.TreeSizeAsync(election, CancellationToken.None));
        Assert.Equal(5, (await factory.Log.LeavesAsync(election, 0, 23, CancellationToken.None).ToListAsync()).Count(l => VoidLeaf.Is(election, l.Index, l.BallotHash)));

        // Had its appender only been slow, its fill finds the range gone and writes nothing.
        Assert.Null(await reservations.FillAsync(silent, [.. Enumerable.Range(0, 5).Select(_ => RandomNumberGenerator.GetBytes(32))], CancellationToken.None));
        Assert.Equal(23, await factory.Log.TreeSizeAsync(election, CancellationToken.None));
        Assert.Equal(0, await OpenRangesAsync(factory.Shards, election));
    }

    [Fact]
    public async Task A_range_whose_appender_is_gone_is_voided_or_handed_back_and_a_live_ones_is_left_alone()
    {
        await using var factory = await ProcessorFactory.MigratedAsync();
        var election = LocalStack.UniqueName("e");
        var reservations = new MerkleLogReservations(factory.Shards);
        var appender = new MerkleLogAppender(factory.Shards);
        Assert.Equal(30, (await appender.AppendAsync(ProcessorFactory.Votes(election, 30, ["harper", "morgan"]), CancellationToken.None)).Appended);

        // An appender takes positions 30-36; another appends 20 ballots after it.
        var crashing = await reservations.ReserveAsync(election, 7, CancellationToken.None);
        Assert.Equal(new LeafReservation(election, 30, 7), crashing.Reservation);
        var after = await appender.AppendAsync(ProcessorFactory.Votes(election, 20, ["harper", "morgan"], firstVoter: 100), CancellationToken.None);
        Assert.Equal(20, after.Appended);
        Assert.All(after.Positions.Values, leaf => Assert.InRange(leaf, 37, 56));

        // The size stops where the open range starts; the leaves after it are there already. While
        // its appender's session lives, the range is its own.
        Assert.Equal(30, await factory.Log.TreeSizeAsync(election, CancellationToken.None));
        Assert.Equal(57, await factory.Log.ReservedSizeAsync(election, CancellationToken.None));
        Assert.Equal(0, await reservations.ReleaseAbandonedAsync(election, CancellationToken.None));

        // The appender crashes (its session ends): its range is voided, and the size moves past it.
        await crashing.DisposeAsync();
        Assert.Equal(7, await reservations.ReleaseAbandonedAsync(election, CancellationToken.None));
        Assert.Equal(57, await factory.Log.TreeSizeAsync(election, CancellationToken.None));
        var leaves = await factory.Log.LeavesAsync(election, 0, 57, CancellationToken.None).ToListAsync();
        Assert.Equal(57, leaves.Count);
        Assert.All(leaves.Where(l => l.Index is >= 30 and < 37), l => Assert.True(VoidLeaf.Is(election, l.Index, l.BallotHash), $"leaf {l.Index}"));
        Assert.All(leaves.Where(l => l.Index is < 30 or >= 37), l => Assert.False(VoidLeaf.Is(election, l.Index, l.BallotHash), $"leaf {l.Index}"));

        // Two appenders crash holding the last ranges: both are handed back, no void leaf is written,
        // and the replay gets the same positions.
        var last = await reservations.ReserveAsync(election, 4, CancellationToken.None);
        var lastButOne = await reservations.ReserveAsync(election, 3, CancellationToken.None);
        await last.DisposeAsync();
        await lastButOne.DisposeAsync();
        Assert.Equal(7, await reservations.ReleaseAbandonedAsync(election, CancellationToken.None));
        Assert.Equal((57L, 57L), (await factory.Log.TreeSizeAsync(election, CancellationToken.None), await factory.Log.ReservedSizeAsync(election, CancellationToken.None)));
        var replayed = await appender.AppendAsync(ProcessorFactory.Votes(election, 7, ["harper"], firstVoter: 200), CancellationToken.None);
        Assert.Equal(Enumerable.Range(57, 7).Select(i => (long)i), replayed.Positions.Values.Order());
        Assert.Equal(64, await factory.Log.TreeSizeAsync(election, CancellationToken.None));
        Assert.Equal(7, (await factory.Log.LeavesAsync(election, 0, 64, CancellationToken.None).ToListAsync()).Count(l => VoidLeaf.Is(election, l.Index, l.BallotHash)));
        Assert.Equal(0, await OpenRangesAsync(factory.Shards, election));
    }

    [Fact]
    public async Task Ranges_filled_out_of_order_move_the_size_only_over_filled_positions()
    {
        await using var factory = await ProcessorFactory.MigratedAsync();
        var election = LocalStack.UniqueName("e");
        var reservations = new MerkleLogReservations(factory.Shards);
        await using var a = await reservations.ReserveAsync(election, 3, CancellationToken.None);
        await using var b = await reservations.ReserveAsync(election, 4, CancellationToken.None);
        await using var c = await reservations.ReserveAsync(election, 2, CancellationToken.None);
        Assert.Equal((0L, 3L, 7L), (a.Reservation.First, b.Reservation.First, c.Reservation.First));

        var cHashes = Hashes(election, 2, 10);
        Assert.NotNull(await reservations.FillAsync(c, cHashes, CancellationToken.None));
        Assert.Equal(0, await factory.Log.TreeSizeAsync(election, CancellationToken.None));
        Assert.NotNull(await reservations.FillAsync(a, Hashes(election, 3, 20), CancellationToken.None));
        Assert.Equal(3, await factory.Log.TreeSizeAsync(election, CancellationToken.None));

        // A range filled with fewer ballots than it holds (some were in the log already) ends in void leaves.
        var positions = await reservations.FillAsync(b, Hashes(election, 1, 30), CancellationToken.None);
        Assert.Equal(3, Assert.Single(positions!.Values));
        Assert.Equal(9, await factory.Log.TreeSizeAsync(election, CancellationToken.None));
        var leaves = await factory.Log.LeavesAsync(election, 0, 9, CancellationToken.None).ToListAsync();
        Assert.Equal([false, false, false, false, true, true, true, false, false], leaves.Select(l => VoidLeaf.Is(election, l.Index, l.BallotHash)));

        // The last range handed out, all of whose ballots are logged already (a replay), is handed back whole.
        await using var replay = await reservations.ReserveAsync(election, 2, CancellationToken.None);
        Assert.Equal(9, replay.Reservation.First);
        var kept = await reservations.FillAsync(replay, cHashes, CancellationToken.None);
        Assert.Equal([7L, 8L], kept!.Values.Order());
        Assert.Equal(9, await factory.Log.TreeSizeAsync(election, CancellationToken.None));
        Assert.Equal(9, await factory.Log.ReservedSizeAsync(election, CancellationToken.None));

        // A range is filled once: its second fill writes nothing.
        Assert.Null(await reservations.FillAsync(a, Hashes(election, 3, 40), CancellationToken.None));
        Assert.Equal(9, await factory.Log.TreeSizeAsync(election, CancellationToken.None));
    }

    private static List<byte[]> Hashes(string election, int count, int firstVoter) =>
        [.. ProcessorFactory.Votes(election, count, ["harper"], firstVoter).Select(v => v.BallotHash)];

    private static async Task<long> OpenRangesAsync(MySqlShardConnections shards, string election)
    {
        await using var connection = await shards.OpenLogAsync(CancellationToken.None);
        await using var count = new MySqlCommand("SELECT COUNT(*) FROM merkle_reservations WHERE election_id = @e", connection);
        count.Parameters.AddWithValue("@e", election);
        return Convert.ToInt64(await count.ExecuteScalarAsync(CancellationToken.None), System.Globalization.CultureInfo.InvariantCulture);
    }
}
