using Voting.Core.Geography;

namespace Voting.Core.Elections;

/// <summary>What makes a ballot valid, in one place.</summary>
public static class BallotRules
{
    /// <summary>Null when a vote for <paramref name="candidate"/> in <paramref name="stateCode"/> may be cast at <paramref name="now"/>.</summary>
    public static BallotRejection? Check(ElectionDefinition? election, string stateCode, string candidate, DateTimeOffset now)
    {
        if (election is null)
        {
            return BallotRejection.UnknownElection;
        }

        if (now < election.OpensAt)
        {
            return BallotRejection.ElectionNotOpenYet;
        }

        if (now >= election.ClosesAt)
        {
            return BallotRejection.ElectionClosed;
        }

        if (!UsStates.TryGet(stateCode, out _))
        {
            return BallotRejection.UnknownState;
        }

        return election.CandidatesIn(stateCode).Contains(candidate, StringComparer.Ordinal)
            ? null
            : BallotRejection.UnknownCandidate;
    }
}
