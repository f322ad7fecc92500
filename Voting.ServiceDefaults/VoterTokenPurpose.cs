namespace Voting.ServiceDefaults;

/// <summary>
/// What the tokens a service takes are for, as far as a voter who sent the other one of their tokens
/// needs telling: a refused token whose (unverified) audience is <paramref name="OtherAudience"/> is
/// answered with <paramref name="Hint"/> instead of "not the authority's signature". None when the
/// audiences do not tell the two tokens apart.
/// </summary>
public sealed record VoterTokenPurpose(string? OtherAudience, string Hint)
{
    /// <summary>No hint: every refused signature is said to be not the authority's.</summary>
    public static readonly VoterTokenPurpose None = new(null, "");
}
