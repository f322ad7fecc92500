using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Voting.Core.Identity;
using Voting.Infrastructure.Identity;

namespace Voting.ServiceDefaults;

/// <summary>
/// The <c>Bearer</c> scheme for voter tokens: <c>Authorization: Bearer &lt;token&gt;</c> checked by
/// <see cref="VoterTokenVerifier"/>; the principal carries the voter, state and election claims. A
/// refusal answers 401 as problem details saying why.
/// </summary>
/// <remarks>
/// A plain <see cref="IAuthenticationHandler"/> rather than an <c>AuthenticationHandler&lt;TOptions&gt;</c>:
/// the scheme has no options, events, forwarding or remote sign-in, and the base class's per-request
/// set-up for them (options lookup, events object, its async layers) cost about as much as checking
/// the token itself. One instance serves one request (the framework creates it per request), so the
/// result is computed once and kept for the challenge.
/// </remarks>
public sealed partial class VoterBearerHandler(VoterTokenVerifier verifier, VoterTokenPurpose purpose, TimeProvider clock, ILogger<VoterBearerHandler> logger) : IAuthenticationHandler
{
    public const string SchemeName = "Bearer";

    private const string NoToken = "Send 'Authorization: Bearer <voter token>'.";

    private AuthenticationScheme scheme = null!;
    private HttpContext context = null!;
    private AuthenticateResult? result;

    public Task InitializeAsync(AuthenticationScheme scheme, HttpContext context)
    {
        this.scheme = scheme;
        this.context = context;
        return Task.CompletedTask;
    }

    public Task<AuthenticateResult> AuthenticateAsync() => Task.FromResult(result ??= Authenticate());

    public Task ChallengeAsync(AuthenticationProperties? properties)
    {
        var failure = (result ??= Authenticate()).Failure;
        context.Response.Headers.WWWAuthenticate = "Bearer";
        return TypedResults.Problem(
                detail: failure?.Message ?? NoToken,
                statusCode: StatusCodes.Status401Unauthorized,
                title: "A valid voter token is required.",
                type: "urn:voting:problem:unauthenticated")
            .ExecuteAsync(context);
    }

    public Task ForbidAsync(AuthenticationProperties? properties)
    {
        context.Response.StatusCode = StatusCodes.Status403Forbidden;
        return Task.CompletedTask;
    }

    /// <summary>What the voter is told about a refused token.</summary>
    public static string Explain(VoterTokenFailure failure) => failure switch
    {
        VoterTokenFailure.Expired => "The token has expired.",
        VoterTokenFailure.NotYetValid => "The token is not valid yet.",
        VoterTokenFailure.BadSignature => "The token's signature is not the election authority's.",
        VoterTokenFailure.OtherIssuerOrAudience => "The token was issued for another service.",
        VoterTokenFailure.MissingVoterClaims => "The token lacks the voter, state or election claim.",
        VoterTokenFailure.NonCanonicalVoterId => $"The token's voter id is not in canonical form ({VoterIdRule.Description}); the election authority must issue it so.",
        _ => "The token is malformed or invalid.",
    };

    private AuthenticateResult Authenticate()
    {
        string? header = context.Request.Headers.Authorization;
        if (header is null || !header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return AuthenticateResult.NoResult();
        }

        var token = header.AsSpan(7).Trim(' ');
        var check = verifier.Verify(token, clock.GetUtcNow());
        if (check.Token is not { } voter)
        {
            // The voter's other token (to cast with, or to look up their vote) is not the authority's
            // signature here either, but saying which token it is helps them more.
            var why = check.Failure == VoterTokenFailure.BadSignature && purpose.OtherAudience is { } other && UnverifiedAudience.Names(token, other)
                ? purpose.Hint
                : Explain(check.Failure);
            LogRefused(logger, scheme.Name, why);
            return AuthenticateResult.Fail(why);
        }

        // Claims made with the identity as their subject are kept as they are; any other claim
        // would be copied into the identity, one more object each per request.
        var identity = new ClaimsIdentity(scheme.Name, VoterClaims.VoterId, roleType: null);
        identity.AddClaim(Own(identity, VoterClaims.VoterId, voter.VoterId));
        identity.AddClaim(Own(identity, VoterClaims.State, voter.State));
        identity.AddClaim(Own(identity, VoterClaims.Election, voter.ElectionId));
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), scheme.Name));
    }

    private static Claim Own(ClaimsIdentity identity, string type, string value) =>
        new(type, value, ClaimValueTypes.String, ClaimsIdentity.DefaultIssuer, ClaimsIdentity.DefaultIssuer, identity);

    // Debug: anyone can send a bad token as often as they like, and a line each would flood the logs;
    // each refusal is counted anyway, as a 401 in the request metrics (http.server.request.duration).
    [LoggerMessage(Level = LogLevel.Debug, Message = "{Scheme} was not authenticated: {Reason}")]
    private static partial void LogRefused(ILogger logger, string scheme, string reason);
}
