using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.Tokens;
using Voting.Infrastructure.Identity;

namespace Voting.ServiceDefaults;

/// <summary>
/// Bearer tokens of the election authority (what voters present to cast and to look up their own
/// vote); failures answer 401 as problem details saying why.
/// </summary>
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
                        await TypedResults.Problem(
                                detail: detail, statusCode: StatusCodes.Status401Unauthorized, title: "A valid voter token is required.",
                                type: "urn:voting:problem:unauthenticated")
                            .ExecuteAsync(context.HttpContext);
                    },
                };
            });
        services.AddAuthorization();
        return services;
    }
}
