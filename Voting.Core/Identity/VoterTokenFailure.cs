namespace Voting.Core.Identity;

/// <summary>Why a voter token was refused; each maps to one answer the voter can act on.</summary>
public enum VoterTokenFailure
{
    /// <summary>Not a compact HS256 token with the claims a voter token carries (or too long to be one).</summary>
    Malformed,

    /// <summary>Signed and current, but without the voter, state or election claim.</summary>
    MissingVoterClaims,

    /// <summary>Signed and current, but its voter id is not in one canonical form (<see cref="VoterIdRule"/>).</summary>
    NonCanonicalVoterId,

    /// <summary>Not signed by any of the election authority's keys.</summary>
    BadSignature,

    /// <summary>Issued by someone else, or for another audience.</summary>
    OtherIssuerOrAudience,

    /// <summary>Past its expiry (beyond the tolerated clock skew).</summary>
    Expired,

    /// <summary>Before its not-before time (beyond the tolerated clock skew).</summary>
    NotYetValid,
}
