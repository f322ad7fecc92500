using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Voting.Core.Identity;

namespace Voting.Infrastructure.Identity;

/// <summary>
/// Mints voter tokens as the election authority would (for the simulator, tests and the token CLI): to
/// cast, or to look up one's vote, as <paramref name="options"/> (read from <paramref name="section"/>) say.
/// </summary>
public sealed class VoterTokenIssuer(VoterTokenOptions options, TimeProvider clock, string section = VoterTokenOptions.Section)
{
    private readonly SigningCredentials credentials = new(VoterTokenKeys.From(options, section)[0], SecurityAlgorithms.HmacSha256);
    private readonly JsonWebTokenHandler handler = new() { SetDefaultTimesOnTokenCreation = false };

    /// <summary>A token for <paramref name="voterId"/> registered in <paramref name="state"/>, valid for <paramref name="lifetime"/> (default from options).</summary>
    public string Issue(string voterId, string state, string electionId, TimeSpan? lifetime = null, DateTimeOffset? notBefore = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(voterId);
        if (!VoterIdRule.IsCanonical(voterId))
        {
            throw new ArgumentException($"The voter id is not in canonical form ({VoterIdRule.Description}).", nameof(voterId));
        }

        ArgumentException.ThrowIfNullOrEmpty(state);
        ArgumentException.ThrowIfNullOrEmpty(electionId);
        var now = clock.GetUtcNow();
        var start = notBefore ?? now;
        return handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = options.Issuer,
            Audience = options.Audience,
            IssuedAt = now.UtcDateTime,
            NotBefore = start.UtcDateTime,
            Expires = (start + (lifetime ?? TimeSpan.FromMinutes(options.LifetimeMinutes))).UtcDateTime,
            Subject = new ClaimsIdentity(
            [
                new Claim(VoterClaims.VoterId, voterId),
                new Claim(VoterClaims.State, state),
                new Claim(VoterClaims.Election, electionId),
            ]),
            SigningCredentials = credentials,
        });
    }
}
