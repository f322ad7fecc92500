using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.IdentityModel.Tokens;
using Voting.Infrastructure.Identity;
using Voting.Ingest.Apis;

namespace Voting.Ingest.Security;

/// <summary>Bearer tokens of the election authority; failures answer as problem details saying why.</summary>
public static class VoterAuthentication
{
    public static IServiceCollection AddVoterAuthentication(this IServiceCollection services, IConfiguration configuration)
    {
        var tokens = new VoterTokenOptions();
        configuration.GetSection(VoterTokenOptions.Section).Bind(tokens);
        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme)
            .AddJwtBearer(options =>
            {
                options.MapInboundClaims = false;
                options.TokenValidationParameters = VoterTokenKeys.ValidationParameters(tokens);
                options.Events = new JwtBearerEvents
                {
                    OnChallenge = async context =>
                    {
                        context.HandleResponse();
                        var detail = context.AuthenticateFailure switch
                        {
                            SecurityTokenExpiredException => "The token has expired.",
                            SecurityTokenNotYetValidException => "The token is not valid yet.",
                            SecurityTokenInvalidSignatureException or SecurityTokenSignatureKeyNotFoundException => "The token's signature is not the election authority's.",
                            SecurityTokenInvalidAudienceException or SecurityTokenInvalidIssuerException => "The token was issued for another service.",
                            null => "Send 'Authorization: Bearer <voter token>'.",
                            _ => "The token is malformed or invalid.",
                        };
                        context.Response.Headers.WWWAuthenticate = "Bearer";
                        await VoteProblems.Unauthenticated(detail).ExecuteAsync(context.HttpContext);
                    },
                };
            });
        services.AddAuthorization();
        return services;
    }
}
