using System.Diagnostics;

namespace Voting.Simulator.Tests;

public sealed class ReceiptProbesTests
{
    [Fact]
    public void The_first_receipt_is_followed_then_one_per_interval()
    {
        var probes = new ReceiptProbes(new Uri("http://127.0.0.1:1"), TimeSpan.FromSeconds(1), Stopwatch.StartNew());

        probes.Offer("a", TimeSpan.FromSeconds(0.2));
        probes.Offer("b", TimeSpan.FromSeconds(0.9));
        probes.Offer("c", TimeSpan.FromSeconds(1.2));
        probes.Offer("d", TimeSpan.FromSeconds(1.5));
        probes.Offer("e", TimeSpan.FromSeconds(2.3));

        Assert.Equal(3, probes.Pending); // a, c, e
    }

    [Fact]
    public void No_receipt_is_followed_when_probing_is_off()
    {
        // --probe-every 0: nothing polls the receipts, so none may be left pending for settling to wait on.
        var probes = new ReceiptProbes(new Uri("http://127.0.0.1:1"), TimeSpan.Zero, Stopwatch.StartNew());

        probes.Offer("a", TimeSpan.FromSeconds(0.2));
        probes.Offer("b", TimeSpan.FromSeconds(5));

        Assert.Equal(0, probes.Pending);
    }
}
