namespace Voting.Infrastructure.Identity;

/// <summary>Claim names inside a voter token.</summary>
public static class VoterClaims
{
    /// <summary>The voter's id at the authority (JWT <c>sub</c>). Read by the services the voter calls (ingest, and results for the voter's own status); never stored, logged or put on the votes topic: only its pseudonym is.</summary>
    public const string VoterId = "sub";

    /// <summary>USPS code of the state the voter is registered in.</summary>
    public const string State = "state";

    /// <summary>The election the token is valid for.</summary>
    public const string Election = "election";
}
