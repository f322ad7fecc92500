using System.Net;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using Voting.Ingest.Apis;
using Voting.ServiceDefaults;

namespace Voting.Ingest.Security;

/// <summary>
/// The vote endpoint's limit per client address (floods), a token bucket; everything else (health,
/// metrics) is unlimited. The limit per voter (one stolen token hammered) is not here: it is counted
/// in Redis by the voter gate (<see cref="IngestOptions.PerVoterPermitsPerMinute"/>), which holds
/// across ingest instances and keeps no per-voter state in this process (an in-process limiter per
/// voter keeps a limiter and a timer per voter for a whole window, all scanned ten times a second:
/// some 280,000 of them at 4,000 votes/s).
/// </summary>
public static class IngestRateLimits
{
    public static IServiceCollection AddIngestRateLimits(this IServiceCollection services)
    {
        services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.OnRejected = async (context, _) =>
                await VoteProblems.RateLimited($"Retry after {PerClientRateLimit.SetRetryAfter(context)} s.").ExecuteAsync(context.HttpContext);
            limiter.GlobalLimiter = PerClient();
        });
        return services;
    }

    private static bool IsVote(HttpContext context) => context.Request.Path.StartsWithSegments("/api/v1/vote");

    private static PartitionedRateLimiter<HttpContext> PerClient()
    {
        // The bucket's settings, read from the options on the first vote and shared by every
        // client's bucket after: no service lookup and no new delegate per request.
        Func<IPAddress, TokenBucketRateLimiterOptions>? bucket = null;
        return PartitionedRateLimiter.Create<HttpContext, IPAddress>(context =>
        {
            if (!IsVote(context))
            {
                // A partition keeps the limiter it was made with, so sharing a key with clients would
                // limit these requests or unlimit the client's votes.
                return RateLimitPartition.GetNoLimiter(NotAVote);
            }

            bucket ??= Bucket(context.RequestServices.GetRequiredService<IOptions<IngestOptions>>().Value);
            return RateLimitPartition.GetTokenBucketLimiter(ClientNetwork.KeyOf(context.Connection.RemoteIpAddress), bucket);
        });
    }

    /// <summary>
    /// The partition of requests that are not votes: a key <see cref="ClientNetwork.KeyOf"/> never gives (it
    /// clears the low 64 bits of every IPv6 address; '::1' keeps one of them set).
    /// </summary>
    internal static readonly IPAddress NotAVote = IPAddress.IPv6Loopback;

    private static Func<IPAddress, TokenBucketRateLimiterOptions> Bucket(IngestOptions options)
    {
        var settings = PerClientRateLimit.Bucket(options.PerClientPermitsPerSecond, options.PerClientBurst);
        return _ => settings;
    }
}
