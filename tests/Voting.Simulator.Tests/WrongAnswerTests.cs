namespace Voting.Simulator.Tests;

/// <summary>The simulator notices an ingest that breaks one-person-one-vote, run as the program itself.</summary>
public sealed class WrongAnswerTests
{
    [Fact]
    public async Task Second_ballots_accepted_after_the_first_fail_the_run_as_wrong_answers()
    {
        await using var ingest = FakeIngest.AcceptingEverything();

        var (exit, output, error) = await SimulatorProgram.RunAsync(
            "simulate", "--ingest", ingest.Address.ToString(), "--results", "http://127.0.0.1:1",
            "--voters", "5", "--rate", "50", "--duplicates", "1", "--malformed", "0", "--readers", "0", "--probe-every", "0", "--settle-seconds", "0");

        Assert.True(exit == 1, $"exit {exit}\n{output}\n{error}");
        Assert.Contains("done: 5 votes accepted, 0 second attempts refused, 0 invalid ballots refused, 5 failures (5 wrong answers: a second ballot accepted", output, StringComparison.Ordinal);
    }
}
