using Voting.Infrastructure.Storage;

namespace Voting.Processor;

/// <summary>
/// <c>Voting.Processor rebuild-tallies ELECTION_ID</c>: rebuilds the election's tallies from its
/// stored ballots (<see cref="TallyRebuild"/>), printing a line per shard, then reconciles; exit 0
/// when the tallies then equal MySQL, 1 when not, 2 on bad use, 3 when it could not finish (a store
/// failed; running it again finishes it).
/// </summary>
public static class RebuildTalliesCommand
{
    public static async Task<int> RunAsync(IServiceProvider services, string[] args, TextWriter output)
    {
        if (args is [_, "--help" or "-h"])
        {
            await output.WriteLineAsync("usage: Voting.Processor rebuild-tallies ELECTION_ID");
            return 0;
        }

        if (args.Length != 2 || string.IsNullOrWhiteSpace(args[1]) || args[1].StartsWith('-'))
        {
            await Console.Error.WriteLineAsync("usage: Voting.Processor rebuild-tallies ELECTION_ID");
            return 2;
        }

        var election = args[1];
        await output.WriteLineAsync($"Rebuilding the tallies of {election} from its stored ballots (safe while the processor runs, and to run again)");
        TallyRebuildReport report;
        try
        {
            report = await services.GetRequiredService<TallyRebuild>().RebuildAsync(election, output, CancellationToken.None);
        }
        catch (Exception e)
        {
            // Also a store's timeout (the ClickHouse driver reports one as a cancellation): this
            // command cancels nothing itself.
            // A store unreachable or refusing, or a total that can't be rebuilt: what was done so far
            // is consistent (each shard in one transaction), and running the command again finishes it.
            await output.WriteLineAsync($"ERROR: the rebuild of {election} did not finish: {e.Message}");
            return 3;
        }

        foreach (var m in report.Mismatches)
        {
            await output.WriteLineAsync($"MISMATCH {m.State} {m.Candidate}: MySQL {m.MySql}, tallies {m.Tallied}");
        }

        await output.WriteLineAsync(report.Mismatches.Count == 0
            ? $"OK: {report.Totals} running totals of {election} rewritten, {report.Corrected} of them corrected, {report.ClickHouseRowsDeleted} ClickHouse row(s) deleted; the tallies equal MySQL"
            : $"FAILED: {report.Mismatches.Count} state/candidate pairs of {election} still differ after the rebuild");
        if (report.Totals == 0 && report.Mismatches.Count == 0)
        {
            await output.WriteLineAsync($"NOTE: {election} has no ballot and no tally anywhere: before the first vote that is right, else check the election id.");
        }

        return report.Mismatches.Count == 0 ? 0 : 1;
    }
}
