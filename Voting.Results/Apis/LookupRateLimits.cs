using System.Net;
using System.Threading.RateLimiting;
using Voting.ServiceDefaults;

namespace Voting.Results.Apis;

/// <summary>
/// A per-client limit on the lookups that reach the stores on every request: a voter's own vote
/// (<c>/votes/{voter_id}</c>, a query to the shard databases that ingest's duplicate check and the
/// processor also need) and a receipt's status (<c>/receipts/{receipt}</c>, the Merkle log and the
/// audit service). The results themselves are cached and not limited. Applied before the token is
/// checked: a flood of bad tokens is refused without checking each.
/// </summary>
public static class LookupRateLimits
{
    public const string Policy = "lookups";

    public static IServiceCollection AddLookupRateLimits(this IServiceCollection services)
    {
        services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.OnRejected = async (context, _) =>
                await ResultsProblems.RateLimited($"Too many lookups from this address; retry after {PerClientRateLimit.SetRetryAfter(context)} s.").ExecuteAsync(context.HttpContext);

            // The bucket's settings, read once from the options and shared by every client's bucket.
            Func<IPAddress, TokenBucketRateLimiterOptions>? bucket = null;
            limiter.AddPolicy<IPAddress>(Policy, context =>
            {
                bucket ??= Bucket(context.RequestServices.GetRequiredService<ResultsOptions>());
                return RateLimitPartition.GetTokenBucketLimiter(ClientNetwork.KeyOf(context.Connection.RemoteIpAddress), bucket);
            });
        });
        return services;
    }

    private static Func<IPAddress, TokenBucketRateLimiterOptions> Bucket(ResultsOptions options)
    {
        var settings = PerClientRateLimit.Bucket(options.PerClientLookupsPerSecond, options.PerClientLookupBurst);
        return _ => settings;
    }
}
