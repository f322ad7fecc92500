namespace Voting.Core.Identity;

/// <summary>The verdict on one token: the verified <see cref="Token"/>, or the <see cref="Failure"/> that refused it.</summary>
public readonly record struct VoterTokenCheck(VoterToken? Token, VoterTokenFailure Failure)
{
    public bool IsValid => Token is not null;

    public static VoterTokenCheck Valid(VoterToken token) => new(token, default);

    public static VoterTokenCheck Refused(VoterTokenFailure failure) => new(null, failure);
}
