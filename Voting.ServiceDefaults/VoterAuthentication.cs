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
        var tokens = VoterTokenOptions.DefaultsFor(section);
        configuration.GetSection(section).Bind(tokens);

        // Bound here, not through the options system (the verifier is built now), so checked here:
        // an unchecked ClockSkewSeconds of a day would accept tokens a day after they expired.
        var errors = new List<ValidationResult>();
        if (!Validator.TryValidateObject(tokens, new ValidationContext(tokens), errors, validateAllProperties: true))
        {
            throw new OptionsValidationException(section, typeof(VoterTokenOptions), [.. errors.Select(e => $"{section}: {e.ErrorMessage}")]);
        }

        services.AddSingleton(VoterTokenKeys.Verifier(tokens, section));
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
}
