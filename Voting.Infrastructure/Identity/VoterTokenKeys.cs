using Microsoft.IdentityModel.Tokens;
using Voting.Core.Identity;

namespace Voting.Infrastructure.Identity;

/// <summary>Turns configured base64 keys into signing keys, refusing weak ones.</summary>
public static class VoterTokenKeys
{
    public const int MinimumKeyBytes = 32;

    /// <summary>The keys of <paramref name="options"/>, read from <paramref name="section"/> (named in the errors).</summary>
    public static IReadOnlyList<SymmetricSecurityKey> From(VoterTokenOptions options, string section = VoterTokenOptions.Section) =>
        [.. options.SigningKeys.Select((text, index) =>
        {
            byte[] bytes;
            try
            {
                bytes = Convert.FromBase64String(text);
            }
            catch (FormatException)
            {
                throw new InvalidOperationException($"{section}:SigningKeys:{index} is not base64.");
            }

            return bytes.Length >= MinimumKeyBytes
                ? new SymmetricSecurityKey(bytes) { KeyId = "k" + index }
                : throw new InvalidOperationException($"{section}:SigningKeys:{index} is {bytes.Length} bytes; at least {MinimumKeyBytes} are required.");
        })];

    /// <summary>How the services verify a token: signed by one of the keys, for the configured issuer and audience, current within the clock skew.</summary>
    public static VoterTokenVerifier Verifier(VoterTokenOptions options, string section = VoterTokenOptions.Section) => new(
        [.. From(options, section).Select(key => new VoterTokenKey(key.KeyId, key.Key))],
        options.Issuer,
        options.Audience,
        TimeSpan.FromSeconds(options.ClockSkewSeconds));
}
