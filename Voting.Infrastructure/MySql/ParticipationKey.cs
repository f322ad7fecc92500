using Voting.Core.Ballots;

namespace Voting.Infrastructure.MySql;

/// <summary>A voter as the participation tables key them: the election and the pseudonym.</summary>
public readonly record struct ParticipationKey(string ElectionId, Bytes32 Pseudonym)
{
    /// <summary>The voter who cast <paramref name="vote"/>.</summary>
    public static ParticipationKey Of(VoteMessage vote) => new(vote.ElectionId, new Bytes32(vote.Pseudonym));
}
