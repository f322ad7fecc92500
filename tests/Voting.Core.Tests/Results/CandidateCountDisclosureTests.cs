using Voting.Core.Elections;
using Voting.Core.Results;

namespace Voting.Core.Tests.Results;

public sealed class CandidateCountDisclosureTests
{
    private static readonly DateTimeOffset Opens = new(2028, 11, 7, 10, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Closes = Opens.AddHours(20);

    private static readonly ElectionDefinition Election = new()
    {
        Id = "e",
        OpensAt = Opens,
        ClosesAt = Closes,
        Candidates = ["harper", "morgan"],
        RegisteredVoters = new Dictionary<string, long> { ["CA"] = 10 },
    };

    [Fact]
    public void Counts_are_withheld_until_the_polls_close_and_published_from_that_instant()
    {
        Assert.Equal(Closes, CandidateCountDisclosure.WithheldUntil(Election, Opens.AddDays(-1))); // before voting starts
        Assert.Equal(Closes, CandidateCountDisclosure.WithheldUntil(Election, Opens.AddHours(3)));
        Assert.Equal(Closes, CandidateCountDisclosure.WithheldUntil(Election, Closes.AddTicks(-1)));
        Assert.Null(CandidateCountDisclosure.WithheldUntil(Election, Closes));
        Assert.Null(CandidateCountDisclosure.WithheldUntil(Election, Closes.AddDays(30)));
    }

    [Fact]
    public void A_withheld_area_keeps_its_total_and_turnout_and_names_no_candidate_count()
    {
        var counts = new Dictionary<(string, string), long> { [("CA", "harper")] = 3, [("CA", "morgan")] = 1 };
        var california = ResultsCalculator.Calculate(Election, counts, Opens.AddHours(1)).States.Single(s => s.Area == "CA");

        var withheld = CandidateCountDisclosure.Withhold(california);

        Assert.Equal(("CA", 4L, 10L, 0.4), (withheld.Area, withheld.TotalBallots, withheld.RegisteredVoters, withheld.Turnout));
        Assert.Empty(withheld.Candidates);
        Assert.Equal(2, california.Candidates.Count); // the original is left as it was
    }
}
