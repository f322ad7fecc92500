using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Voting.Core.Identity;
using Voting.Infrastructure.Identity;

namespace Voting.ServiceDefaults;

/// <summary>
/// The <c>Bearer</c> scheme for voter tokens: <c>Authorization: Bearer &lt;token&gt;</c> checked by
/// <see cref="VoterTokenVerifier"/>; the principal carries the voter, state and election claims. A
/// refusal answers 401 as problem details saying why.
/// </summary>
public sealed class VoterBearerHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, VoterTokenVerifier verifier)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "Bearer";

    private const string NoToken = "Send 'Authorization: Bearer <voter token>'.";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? header = Request.Headers.Authorization;
        if (header is null || !header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        var check = verifier.Verify(header.AsSpan(7).Trim(' '), TimeProvider.GetUtcNow());
        if (check.Token is not { } voter)
        {
            return Task.FromResult(AuthenticateResult.Fail(Explain(check.Failure)));
        }

        // Claims made with the identity as their subject are kept as they are; any other claim
        // would be copied into the identity, one more object each per request.
        var identity = new ClaimsIdentity(Scheme.Name, VoterClaims.VoterId, roleType: null);
        identity.AddClaim(Own(identity, VoterClaims.VoterId, voter.VoterId));
        identity.AddClaim(Own(identity, VoterClaims.State, voter.State));
        identity.AddClaim(Own(identity, VoterClaims.Election, voter.ElectionId));
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name)));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var result = await HandleAuthenticateOnceSafeAsync();
        Response.Headers.WWWAuthenticate = "Bearer";
        await TypedResults.Problem(
                detail: result.Failure?.Message ?? NoToken,
                statusCode: StatusCodes.Status401Unauthorized,
                title: "A valid voter token is required.",
                type: "urn:voting:problem:unauthenticated")
            .ExecuteAsync(Context);
    }

    /// <summary>What the voter is told about a refused token.</summary>
    public static string Explain(VoterTokenFailure failure) => failure switch
    {
        VoterTokenFailure.Expired => "The token has expired.",
        VoterTokenFailure.NotYetValid => "The token is not valid yet.",
        VoterTokenFailure.BadSignature => "The token's signature is not the election authority's.",
        VoterTokenFailure.OtherIssuerOrAudience => "The token was issued for another service.",
        VoterTokenFailure.MissingVoterClaims => "The token lacks the voter, state or election claim.",
        _ => "The token is malformed or invalid.",
    };

    private static Claim Own(ClaimsIdentity identity, string type, string value) =>
        new(type, value, ClaimValueTypes.String, ClaimsIdentity.DefaultIssuer, ClaimsIdentity.DefaultIssuer, identity);
}
