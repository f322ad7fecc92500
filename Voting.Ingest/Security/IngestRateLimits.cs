using System.Globalization;
using System.Net;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using Voting.Infrastructure.Identity;
using Voting.Ingest.Apis;

namespace Voting.Ingest.Security;

/// <summary>
/// Two limits on the vote endpoint, chained: a token bucket per client address (floods) and a fixed
/// window per voter (one stolen token hammered). Everything else (health, metrics) is unlimited.
/// </summary>
public static class IngestRateLimits
{
    public static IServiceCollection AddIngestRateLimits(this IServiceCollection services)
    {
        services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.OnRejected = async (context, cancellationToken) =>
            {
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1);
                var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
                context.HttpContext.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
                await VoteProblems.RateLimited($"Retry after {seconds} s.").ExecuteAsync(context.HttpContext);
            };
            limiter.GlobalLimiter = PartitionedRateLimiter.CreateChained(PerClient(), PerVoter());
        });
        return services;
    }

    private static bool IsVote(HttpContext context) => context.Request.Path.StartsWithSegments("/api/v1/vote");

    private static PartitionedRateLimiter<HttpContext> PerClient() =>
        PartitionedRateLimiter.Create<HttpContext, IPAddress>(context =>
        {
            if (!IsVote(context))
            {
                return RateLimitPartition.GetNoLimiter(IPAddress.None);
            }

            var options = context.RequestServices.GetRequiredService<IOptions<IngestOptions>>().Value;
            return RateLimitPartition.GetTokenBucketLimiter(context.Connection.RemoteIpAddress ?? IPAddress.None, _ => new TokenBucketRateLimiterOptions
            {
                TokenLimit = options.PerClientBurst,
                TokensPerPeriod = options.PerClientPermitsPerSecond,
                ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                QueueLimit = 0,
                AutoReplenishment = true,
            });
        });

    private static PartitionedRateLimiter<HttpContext> PerVoter() =>
        PartitionedRateLimiter.Create<HttpContext, string>(context =>
        {
            var options = context.RequestServices.GetRequiredService<IOptions<IngestOptions>>().Value;
            var voter = IsVote(context) && options.PerVoterPermitsPerMinute > 0 ? context.User.FindFirst(VoterClaims.VoterId)?.Value : null;
            if (voter is null)
            {
                return RateLimitPartition.GetNoLimiter("");
            }

            return RateLimitPartition.GetFixedWindowLimiter(voter, _ => new FixedWindowRateLimiterOptions
            {
                PermitLimit = options.PerVoterPermitsPerMinute,
                Window = TimeSpan.FromMinutes(1),
                QueueLimit = 0,
                AutoReplenishment = true,
            });
        });
}
