using Microsoft.IdentityModel.Tokens;

namespace Voting.Infrastructure.Identity;

/// <summary>Turns configured base64 keys into signing keys, refusing weak ones.</summary>
public static class VoterTokenKeys
{
    public const int MinimumKeyBytes = 32;

    public static IReadOnlyList<SymmetricSecurityKey> From(VoterTokenOptions options) =>
        [.. options.SigningKeys.Select((text, index) =>
        {
            byte[] bytes;
            try
            {
                bytes = Convert.FromBase64String(text);
            }
            catch (FormatException)
            {
                throw new InvalidOperationException($"Voting:VoterTokens:SigningKeys:{index} is not base64.");
            }

            return bytes.Length >= MinimumKeyBytes
                ? new SymmetricSecurityKey(bytes) { KeyId = "k" + index }
                : throw new InvalidOperationException($"Voting:VoterTokens:SigningKeys:{index} is {bytes.Length} bytes; at least {MinimumKeyBytes} are required.");
        })];

    /// <summary>How ingest validates a token: signature by a known key, issuer, audience, lifetime, HS256 only.</summary>
    public static TokenValidationParameters ValidationParameters(VoterTokenOptions options) => new()
    {
        ValidIssuer = options.Issuer,
        ValidAudience = options.Audience,
        IssuerSigningKeys = From(options),
        ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
        RequireExpirationTime = true,
        RequireSignedTokens = true,
        ClockSkew = TimeSpan.FromSeconds(options.ClockSkewSeconds),
        NameClaimType = VoterClaims.VoterId,
    };
}
