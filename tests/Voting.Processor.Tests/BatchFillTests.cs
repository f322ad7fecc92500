using Microsoft.Extensions.Time.Testing;
using Voting.Processor.Consuming;

namespace Voting.Processor.Tests;

/// <summary>
/// The batch wait bounds how long a batch waits for votes still to come; votes the client already
/// holds fill the batch to its size however long the wait has run out. The consumer here is a
/// script of what the Kafka client holds and when more arrives, so the rule is checked exactly,
/// whatever the box's speed (the real consumer is covered by the other processor tests).
/// </summary>
public sealed class BatchFillTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromMilliseconds(200);

    [Fact]
    public void A_backlog_the_client_holds_fills_the_batch_to_its_size_long_after_the_wait()
    {
        var clock = new FakeTimeProvider();
        var held = new Queue<int>(Enumerable.Range(0, 5_000));
        var timeouts = new List<TimeSpan>();

        // Each message takes the consuming thread 1 ms: the wait is over after 200 of them.
        var batch = BatchFill.Take(timeout =>
        {
            timeouts.Add(timeout);
            clock.Advance(TimeSpan.FromMilliseconds(1));
            return held.TryDequeue(out var message) ? (object)message : null;
        }, 1_000, Wait, clock, CancellationToken.None);

        Assert.Equal(Enumerable.Range(0, 1_000), batch.Cast<int>());
        Assert.Equal(4_000, held.Count);
        Assert.All(timeouts.Skip(200), timeout => Assert.Equal(TimeSpan.Zero, timeout));
    }

    [Fact]
    public void Past_the_wait_the_batch_goes_as_soon_as_the_client_holds_nothing_more()
    {
        var clock = new FakeTimeProvider();
        var held = new Queue<int>(Enumerable.Range(0, 300));

        var batch = BatchFill.Take(timeout =>
        {
            clock.Advance(TimeSpan.FromMilliseconds(1));
            return held.TryDequeue(out var message) ? (object)message : null;
        }, 1_000, Wait, clock, CancellationToken.None);

        Assert.Equal(300, batch.Count);
    }

    [Fact]
    public void Within_the_wait_the_batch_waits_for_what_is_left_of_it()
    {
        var clock = new FakeTimeProvider();
        var timeouts = new List<TimeSpan>();
        var arrivals = new Queue<object?>([1, 2, null]);

        var batch = BatchFill.Take(timeout =>
        {
            timeouts.Add(timeout);
            clock.Advance(TimeSpan.FromMilliseconds(50));
            return arrivals.Dequeue();
        }, 1_000, Wait, clock, CancellationToken.None);

        Assert.Equal(2, batch.Count);
        Assert.Equal([Wait, TimeSpan.FromMilliseconds(150), TimeSpan.FromMilliseconds(100)], timeouts);
    }

    [Fact]
    public void An_idle_topic_gives_an_empty_batch_after_one_full_wait()
    {
        var timeouts = new List<TimeSpan>();

        var batch = BatchFill.Take<object>(timeout =>
        {
            timeouts.Add(timeout);
            return null;
        }, 1_000, Wait, new FakeTimeProvider(), CancellationToken.None);

        Assert.Empty(batch);
        Assert.Equal([Wait], timeouts);
    }
}
