using Voting.Core.Elections;
using Voting.Core.Geography;

namespace Voting.Simulator.Tests;

public sealed class ElectorateTests
{
    private static readonly ElectionDefinition Election = new()
    {
        Id = "sim",
        OpensAt = DateTimeOffset.UnixEpoch,
        ClosesAt = DateTimeOffset.MaxValue,
        Candidates = ["harper", "morgan", "reyes"],
        StateCandidates = new Dictionary<string, IReadOnlyList<string>>(StringComparer.OrdinalIgnoreCase) { ["ME"] = ["harper", "write-in"] },
    };

    [Fact]
    public void Voters_are_spread_over_the_states_by_population()
    {
        var electorate = new Electorate(Election, new Random(7));
        const int draws = 200_000;
        var counts = Enumerable.Range(0, draws).Select(_ => electorate.DrawState()).CountBy(s => s).ToDictionary();
        var total = UsStates.All.Sum(s => (double)s.Population);

        var california = counts["CA"] / (double)draws;
        Assert.InRange(california, UsStates.Get("CA").Population / total * 0.95, UsStates.Get("CA").Population / total * 1.05);
        Assert.True(counts["TX"] > counts["WY"] * 30, "Texas should draw far more voters than Wyoming");
        Assert.Equal(51, counts.Count);
    }

    [Fact]
    public void Every_drawn_candidate_is_on_that_states_ballot_and_results_are_not_a_flat_tie()
    {
        var electorate = new Electorate(Election, new Random(11));
        var maine = Enumerable.Range(0, 2000).Select(_ => electorate.DrawCandidate("ME")).ToList();
        Assert.All(maine, c => Assert.Contains(c, Election.CandidatesIn("ME")));

        var ohio = Enumerable.Range(0, 9000).Select(_ => electorate.DrawCandidate("OH")).CountBy(c => c).ToDictionary();
        Assert.Equal(3, ohio.Count);
        Assert.True(ohio.Values.Max() > ohio.Values.Min() * 1.5, "one candidate should lead clearly");
    }
}
