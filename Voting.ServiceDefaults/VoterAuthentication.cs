using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Voting.Infrastructure.Identity;

namespace Voting.ServiceDefaults;

/// <summary>
/// Bearer tokens of the election authority (what voters present to cast, or to look up their own
/// vote: <see cref="VoterTokenOptions"/>), checked by <see cref="VoterBearerHandler"/>; failures answer
/// 401 as problem details saying why.
/// </summary>
public static class VoterAuthentication
{
    /// <summary>Verifies the tokens configured in <paramref name="section"/>: <see cref="VoterTokenOptions.Section"/> (to cast) or <see cref="VoterTokenOptions.LookupSection"/> (to look up one's vote).</summary>
    public static IServiceCollection AddVoterAuthentication(this IServiceCollection services, IConfiguration configuration, string section = VoterTokenOptions.Section)
    {
        var tokens = ReadOptions(configuration, section);
        var other = ReadOptions(configuration, section == VoterTokenOptions.LookupSection ? VoterTokenOptions.Section : VoterTokenOptions.LookupSection);

        // Bound here, not through the options system (the verifier is built now), so checked here:
        // an unchecked ClockSkewSeconds of a day would accept tokens a day after they expired.
        var errors = new List<ValidationResult>();
        if (!Validator.TryValidateObject(tokens, new ValidationContext(tokens), errors, validateAllProperties: true))
        {
            throw new OptionsValidationException(section, typeof(VoterTokenOptions), [.. errors.Select(e => $"{section}: {e.ErrorMessage}")]);
        }

        if (section == VoterTokenOptions.LookupSection)
        {
            RefuseCastTokens(tokens, cast: other);
        }

        services.AddSingleton(VoterTokenKeys.Verifier(tokens, section));
        services.AddSingleton(Purpose(section, tokens, other));
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddTransient<VoterBearerHandler>();
        services.AddAuthentication(options =>
        {
            options.AddScheme<VoterBearerHandler>(VoterBearerHandler.SchemeName, displayName: null);
            options.DefaultScheme = VoterBearerHandler.SchemeName;
        });
        services.AddAuthorization();
        return services;
    }

    /// <summary>The token settings of <paramref name="section"/>: its own defaults (<see cref="VoterTokenOptions.DefaultsFor"/>) with the configuration bound over them.</summary>
    public static VoterTokenOptions ReadOptions(IConfiguration configuration, string section)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var options = VoterTokenOptions.DefaultsFor(section);
        configuration.GetSection(section).Bind(options);
        return options;
    }

    /// <summary>What a voter who sent their other token here is told (the other section's audience names it).</summary>
    private static VoterTokenPurpose Purpose(string section, VoterTokenOptions tokens, VoterTokenOptions other)
    {
        if (string.Equals(other.Audience, tokens.Audience, StringComparison.Ordinal))
        {
            return VoterTokenPurpose.None; // the audience tells the two apart no more
        }

        return section == VoterTokenOptions.LookupSection
            ? new VoterTokenPurpose(other.Audience, "This is a token to cast a vote with; looking up your vote takes your lookup token from the election authority.")
            : new VoterTokenPurpose(other.Audience, "This is a token to look up your vote with; casting takes your voter token from the election authority.");
    }

    /// <summary>
    /// The lookup tokens' settings must make no token to cast with acceptable, nor let whoever holds the
    /// lookup keys mint one: their audience must differ from the cast tokens', and no lookup key may be
    /// a cast key (compared where both are configured, as in the local profile).
    /// </summary>
    private static void RefuseCastTokens(VoterTokenOptions lookup, VoterTokenOptions cast)
    {
        var errors = new List<string>();
        if (string.Equals(lookup.Audience, cast.Audience, StringComparison.Ordinal))
        {
            errors.Add($"{VoterTokenOptions.LookupSection}: Audience is \"{lookup.Audience}\", the audience of the tokens to cast with ({VoterTokenOptions.Section}:Audience): give lookup tokens one of their own (\"{VoterTokenOptions.LookupAudience}\").");
        }

        // Compared as bytes: base64 may be written more than one way (wrapped lines, padding).
        var castKeys = cast.SigningKeys.Select(KeyBytes).OfType<byte[]>().ToList();
        errors.AddRange(lookup.SigningKeys
            .Select((key, index) => (Key: KeyBytes(key), Index: index))
            .Where(k => k.Key is not null && castKeys.Any(c => c.AsSpan().SequenceEqual(k.Key)))
            .Select(k => $"{VoterTokenOptions.LookupSection}: SigningKeys:{k.Index} is also a key of {VoterTokenOptions.Section}: whoever holds it could mint a token to cast with. Give lookup tokens keys of their own."));
        if (errors.Count > 0)
        {
            throw new OptionsValidationException(VoterTokenOptions.LookupSection, typeof(VoterTokenOptions), errors);
        }
    }

    /// <summary>A configured key's bytes; null for text that is no base64 (reported where that key is used).</summary>
    private static byte[]? KeyBytes(string text)
    {
        try
        {
            return Convert.FromBase64String(text);
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
