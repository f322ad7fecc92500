namespace Voting.Simulator.Tests;

/// <summary>The simulator judges each answer by what it means for the voter, run as the program itself.</summary>
public sealed class AnswerJudgingTests
{
    /// <summary>A short run against <paramref name="ingest"/>: no result readers, no receipts followed, no settling.</summary>
    private static Task<(int Exit, string Output, string Error)> SimulateAsync(FakeIngest ingest, int voters, int duplicates) =>
        SimulatorProgram.RunAsync(
            "simulate", "--ingest", ingest.Address.ToString(), "--results", "http://127.0.0.1:1",
            "--voters", voters.ToString(System.Globalization.CultureInfo.InvariantCulture), "--rate", "50",
            "--duplicates", duplicates.ToString(System.Globalization.CultureInfo.InvariantCulture), "--malformed", "0",
            "--readers", "0", "--probe-every", "0", "--settle-seconds", "0");

    [Fact]
    public async Task Second_ballots_accepted_after_the_first_fail_the_run_as_wrong_answers()
    {
        await using var ingest = FakeIngest.AcceptingEverything();

        var (exit, output, error) = await SimulateAsync(ingest, voters: 5, duplicates: 1);

        Assert.True(exit == 1, $"exit {exit}\n{output}\n{error}");
        Assert.Contains("done: 5 votes accepted, 0 second attempts refused, 0 invalid ballots refused, 5 failures (5 wrong answers: a second ballot accepted", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_vote_whose_answer_was_lost_is_sent_again_with_its_key_and_counted_once_recorded()
    {
        // The first answer is 503 vote-not-confirmed; the retry, with the same key, finds the vote recorded (409 already-voted).
        await using var ingest = FakeIngest.RecordingFirstVoteUnconfirmed();

        var (exit, output, error) = await SimulateAsync(ingest, voters: 1, duplicates: 0);

        Assert.True(exit == 0, $"exit {exit}\n{output}\n{error}");
        Assert.Contains("done: 1 votes accepted, 0 second attempts refused, 0 invalid ballots refused, 0 failures", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_voter_said_to_have_voted_after_a_try_that_stored_nothing_is_a_wrong_answer_not_a_vote()
    {
        // 503 vote-not-recorded says nothing was stored: a 409 already-voted to the retry refuses a voter who never voted.
        await using var ingest = FakeIngest.RefusingFirstVoteThenClaimingIt();

        var (exit, output, error) = await SimulateAsync(ingest, voters: 1, duplicates: 0);

        Assert.True(exit == 1, $"exit {exit}\n{output}\n{error}");
        Assert.Contains("done: 0 votes accepted, 0 second attempts refused, 0 invalid ballots refused, 1 failures (1 wrong answers", output, StringComparison.Ordinal);
    }
}
