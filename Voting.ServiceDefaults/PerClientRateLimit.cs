using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;

namespace Voting.ServiceDefaults;

/// <summary>
/// What the services' per-client limits (ingest's votes, results' lookups) share: one token bucket per
/// client network (<see cref="ClientNetwork"/>), refilled every second, and the 429's <c>Retry-After</c>.
/// </summary>
public static class PerClientRateLimit
{
    /// <summary>A bucket of <paramref name="burst"/> tokens refilled by <paramref name="perSecond"/> a second, no queue; one instance serves every client's bucket.</summary>
    public static TokenBucketRateLimiterOptions Bucket(int perSecond, int burst) => new()
    {
        TokenLimit = burst,
        TokensPerPeriod = perSecond,
        ReplenishmentPeriod = TimeSpan.FromSeconds(1),
        QueueLimit = 0,
        AutoReplenishment = true,
    };

    /// <summary>Sets the refused request's <c>Retry-After</c> from its lease (1 s when the lease says none); returns the whole seconds set.</summary>
    public static int SetRetryAfter(OnRejectedContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1);
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        context.HttpContext.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        return seconds;
    }
}
