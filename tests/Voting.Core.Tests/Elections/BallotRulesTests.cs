using Voting.Core.Elections;

namespace Voting.Core.Tests.Elections;

public sealed class BallotRulesTests
{
    private static readonly DateTimeOffset Opens = new(2028, 11, 7, 10, 0, 0, TimeSpan.Zero);

    private static readonly ElectionDefinition Election = new()
    {
        Id = "us-2028",
        OpensAt = Opens,
        ClosesAt = Opens.AddHours(14),
        Candidates = ["alice", "bob"],
        StateCandidates = new Dictionary<string, IReadOnlyList<string>>(StringComparer.OrdinalIgnoreCase) { ["ME"] = ["alice", "bob", "carol"] },
    };

    [Fact]
    public void A_listed_candidate_in_a_real_state_while_open_is_accepted()
    {
        Assert.Null(BallotRules.Check(Election, "CA", "alice", Opens.AddHours(1)));
        Assert.Null(BallotRules.Check(Election, "ME", "carol", Opens));
    }

    [Theory]
    [InlineData("CA", "carol", BallotRejection.UnknownCandidate)]
    [InlineData("CA", "Alice", BallotRejection.UnknownCandidate)]
    [InlineData("CA", "", BallotRejection.UnknownCandidate)]
    [InlineData("PR", "alice", BallotRejection.UnknownState)]
    [InlineData("", "alice", BallotRejection.UnknownState)]
    public void Unknown_states_and_candidates_are_rejected(string state, string candidate, BallotRejection expected)
    {
        Assert.Equal(expected, BallotRules.Check(Election, state, candidate, Opens.AddHours(1)));
    }

    [Fact]
    public void Voting_is_refused_before_opening_at_closing_and_after()
    {
        Assert.Equal(BallotRejection.ElectionNotOpenYet, BallotRules.Check(Election, "CA", "alice", Opens.AddTicks(-1)));
        Assert.Equal(BallotRejection.ElectionClosed, BallotRules.Check(Election, "CA", "alice", Election.ClosesAt));
        Assert.Equal(BallotRejection.ElectionClosed, BallotRules.Check(Election, "CA", "alice", Election.ClosesAt.AddDays(1)));
    }

    [Fact]
    public void No_election_means_unknown_election()
    {
        Assert.Equal(BallotRejection.UnknownElection, BallotRules.Check(null, "CA", "alice", Opens));
    }
}
