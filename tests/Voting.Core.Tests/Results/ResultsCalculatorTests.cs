using Voting.Core.Elections;
using Voting.Core.Results;

namespace Voting.Core.Tests.Results;

public sealed class ResultsCalculatorTests
{
    private static readonly ElectionDefinition Election = new()
    {
        Id = "e",
        OpensAt = DateTimeOffset.UnixEpoch,
        ClosesAt = DateTimeOffset.UnixEpoch.AddDays(1),
        Candidates = ["harper", "morgan"],
        StateCandidates = new Dictionary<string, IReadOnlyList<string>> { ["ME"] = ["harper", "morgan", "write-in"] },
        RegisteredVoters = new Dictionary<string, long> { ["CA"] = 10 },
    };

    [Fact]
    public void National_totals_shares_and_turnout_come_from_the_state_counts()
    {
        var counts = new Dictionary<(string, string), long> { [("CA", "harper")] = 3, [("CA", "morgan")] = 1, [("TX", "morgan")] = 4, [("ME", "write-in")] = 2 };
        var results = ResultsCalculator.Calculate(Election, counts, DateTimeOffset.UnixEpoch);

        Assert.Equal(10, results.National.TotalBallots);
        Assert.Equal(["morgan", "harper", "write-in"], results.National.Candidates.Select(c => c.Candidate));
        Assert.Equal([5L, 3L, 2L], results.National.Candidates.Select(c => c.Votes));
        Assert.Equal(0.5, results.National.Candidates[0].Share);
        Assert.Null(results.National.Turnout); // registered voters are not known for every state

        var california = results.States.Single(s => s.Area == "CA");
        Assert.Equal(4, california.TotalBallots);
        Assert.Equal(0.75, california.Candidates.Single(c => c.Candidate == "harper").Share);
        Assert.Equal(0.4, california.Turnout);
    }

    [Fact]
    public void Every_state_and_every_candidate_on_its_ballot_is_listed_even_with_no_votes()
    {
        var results = ResultsCalculator.Calculate(Election, new Dictionary<(string, string), long>(), DateTimeOffset.UnixEpoch);
        Assert.Equal(51, results.States.Count);
        Assert.All(results.States, s => Assert.Equal(0, s.TotalBallots));
        Assert.Equal(3, results.States.Single(s => s.Area == "ME").Candidates.Count);
        Assert.All(results.National.Candidates, c => Assert.Equal(0, c.Share));
    }
}
