namespace Voting.Simulator.Tests;

/// <summary>Ctrl-C stops a simulated election and still reports what it did, run as the program itself.</summary>
public sealed class InterruptedRunTests
{
    [Fact]
    public async Task An_interrupted_run_reports_its_totals_and_exits_130()
    {
        // An ingest that refuses every vote: every vote fails at once, which is all this test needs.
        await using var ingest = FakeIngest.Refusing();

        // Interrupted at a progress line counting failures: the run is under way, with something to report.
        var (exit, printed, error) = await SimulatorProgram.InterruptAsync(
            line => System.Text.RegularExpressions.Regex.IsMatch(line, @"\| failed [1-9]"),
            "simulate", "--ingest", ingest.Address.ToString(), "--results", "http://127.0.0.1:1",
            "--voters", "100000", "--rate", "20", "--readers", "0", "--probe-every", "0", "--settle-seconds", "0");

        Assert.True(exit == 130, $"exit {exit}\n{printed}\n{error}");
        Assert.Contains("interrupted; stopping", printed, StringComparison.Ordinal);
        Assert.Matches(@"done: 0 votes accepted, \d+ second attempts refused, \d+ invalid ballots refused, [1-9]\d* failures", printed);
    }

    [Fact]
    public async Task A_run_interrupted_while_settling_reports_its_totals_and_exits_130()
    {
        // Every vote accepted; the receipts followed can never be looked up (no results service), so
        // settling would wait its full 120 s.
        await using var ingest = FakeIngest.AcceptingEverything();

        var (exit, printed, error) = await SimulatorProgram.InterruptAsync(
            line => line.StartsWith("settling:", StringComparison.Ordinal),
            "simulate", "--ingest", ingest.Address.ToString(), "--results", "http://127.0.0.1:1",
            "--voters", "5", "--rate", "50", "--duplicates", "0", "--malformed", "0", "--readers", "0", "--probe-every", "0.01", "--settle-seconds", "120");

        Assert.True(exit == 130, $"exit {exit}\n{printed}\n{error}");
        Assert.Contains("interrupted while settling; stopping", printed, StringComparison.Ordinal);
        Assert.Contains("done: 5 votes accepted, 0 second attempts refused, 0 invalid ballots refused, 0 failures", printed, StringComparison.Ordinal);
        Assert.Contains("measured: ", printed, StringComparison.Ordinal);
    }
}
