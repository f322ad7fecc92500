using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Voting.Infrastructure.Identity;

namespace Voting.ServiceDefaults;

/// <summary>
/// Bearer tokens of the election authority (what voters present to cast and to look up their own
/// vote), checked by <see cref="VoterBearerHandler"/>; failures answer 401 as problem details saying why.
/// </summary>
public static class VoterAuthentication
{
    public static IServiceCollection AddVoterAuthentication(this IServiceCollection services, IConfiguration configuration)
    {
        var tokens = new VoterTokenOptions();
        configuration.GetSection(VoterTokenOptions.Section).Bind(tokens);

        // Bound here, not through the options system (the verifier is built now), so checked here:
        // an unchecked ClockSkewSeconds of a day would accept tokens a day after they expired.
        var errors = new List<ValidationResult>();
        if (!Validator.TryValidateObject(tokens, new ValidationContext(tokens), errors, validateAllProperties: true))
        {
            throw new OptionsValidationException(
                VoterTokenOptions.Section, typeof(VoterTokenOptions), [.. errors.Select(e => $"{VoterTokenOptions.Section}: {e.ErrorMessage}")]);
        }

        services.AddSingleton(VoterTokenKeys.Verifier(tokens));
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
