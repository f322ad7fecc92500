using Voting.Core.Sharding;
using Voting.Infrastructure.Storage;

namespace Voting.Processor;

/// <summary>
/// <c>Voting.Processor reconcile ELECTION_ID</c>: compares ClickHouse tallies with the ballots in
/// MySQL; prints one line per difference and a verdict; exit 0 when exact, 1 when not, 2 on bad use,
/// 3 when a store can't be read.
/// </summary>
public static class ReconcileCommand
{
    public static Task<int> RunAsync(IServiceProvider services, string[] args, TextWriter output) => RunAsync(services, args, output, Console.Error);

    /// <param name="services">The processor's services (its stores).</param>
    /// <param name="args">The command line: <c>reconcile ELECTION_ID</c>.</param>
    /// <param name="output">Where the verdict goes.</param>
    /// <param name="progress">Where a line goes after each shard database is read.</param>
    public static async Task<int> RunAsync(IServiceProvider services, string[] args, TextWriter output, TextWriter progress)
    {
        if (args is [_, "--help" or "-h"])
        {
            await output.WriteLineAsync("usage: Voting.Processor reconcile ELECTION_ID");
            return 0;
        }

        if (args.Length != 2 || string.IsNullOrWhiteSpace(args[1]) || args[1].StartsWith('-'))
        {
            await Console.Error.WriteLineAsync("usage: Voting.Processor reconcile ELECTION_ID");
            return 2;
        }

        var election = args[1];
        TallyComparison comparison;
        try
        {
            // Resolved here: a configuration the stores can't be opened with is an error line too.
            // Progress on standard error: a large election's shards take a while each, and standard
            // output stays the verdict alone.
            var clock = System.Diagnostics.Stopwatch.StartNew();
            comparison = await services.GetRequiredService<TallyReconciliation>().ReconcileAsync(
                election,
                CancellationToken.None,
                read => progress.WriteLine($"reconcile: {read} of {ShardLayout.DatabaseCount} shard databases read ({clock.Elapsed.TotalSeconds:0.0} s)"));
        }
        catch (Exception e)
        {
            // Also a store's timeout (the ClickHouse driver reports one as a cancellation): this
            // command cancels nothing itself.
            await output.WriteLineAsync($"ERROR: could not reconcile {election}: {e.Message}");
            return 3;
        }

        var (truth, mismatches) = comparison;
        foreach (var m in mismatches)
        {
            await output.WriteLineAsync($"MISMATCH {m.State} {m.Candidate}: MySQL {m.MySql}, tallies {m.Tallied}");
        }

        var ballots = truth.Values.Sum();
        await output.WriteLineAsync(mismatches.Count == 0
            ? $"OK: tallies of {election} equal MySQL ({ballots} ballots, {truth.Count} state/candidate pairs)"
            : $"FAILED: {mismatches.Count} state/candidate pairs of {election} differ ({ballots} ballots in MySQL)");
        if (ballots == 0 && mismatches.Count == 0)
        {
            await output.WriteLineAsync($"NOTE: neither MySQL nor ClickHouse holds anything of {election}: before the first vote that is right, else check the election id.");
        }
        if (mismatches.Count > 0)
        {
            await output.WriteLineAsync(
                $"Once an audit finds the ballots intact, `Voting.Processor rebuild-tallies {election}` rebuilds the tallies from them.");
        }

        return mismatches.Count == 0 ? 0 : 1;
    }
}
