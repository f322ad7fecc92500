using Voting.Core.Ballots;
using Voting.Core.Geography;
using Voting.Core.Identity;

namespace Voting.Bench.Processor;

/// <summary>Valid vote messages for distinct voters, spread over the states by population.</summary>
internal static class BenchVotes
{
    private static readonly string[] Candidates = ["harper", "morgan", "reyes"];

    public static VoteMessage[] Generate(string electionId, int count, int seed)
    {
        var random = new Random(seed);
        var secret = new byte[32];
        random.NextBytes(secret);
        var states = UsStates.All.ToArray();
        var total = states.Sum(s => (long)s.Population);
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var votes = new VoteMessage[count];
        Parallel.For(0, count, i =>
        {
            var ticket = (long)((uint)HashCode.Combine(seed, i) * (ulong)total >> 32);
            var state = states[^1];
            foreach (var candidate in states)
            {
                if ((ticket -= candidate.Population) < 0)
                {
                    state = candidate;
                    break;
                }
            }

            var ballot = Ballot.New(electionId, state.Code, Candidates[i % Candidates.Length]);
            votes[i] = new VoteMessage(
                VoteMessage.CurrentVersion, electionId, VoterPseudonym.Compute(secret, electionId, "bench-voter-" + i),
                ballot.State, ballot.Candidate, ballot.BallotId, BallotHash.Compute(ballot), now + i / 100);
        });
        return votes;
    }
}
