using Voting.Core.Ballots;
using Voting.Core.Identity;

namespace Voting.Console.Blazor.Tests.Sources;

/// <summary>Vote messages as ingest produces them.</summary>
public static class TestVotes
{
    public static readonly byte[] PseudonymSecret = [.. Enumerable.Range(40, 32).Select(i => (byte)i)];

    public static VoteMessage For(string electionId, string voterId, string state, string candidate)
    {
        var ballot = Ballot.New(electionId, state, candidate);
        return new VoteMessage(VoteMessage.CurrentVersion, electionId, VoterPseudonym.Compute(PseudonymSecret, electionId, voterId), ballot.State,
            ballot.Candidate, ballot.BallotId, BallotHash.Compute(ballot), DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
    }
}
