using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;

namespace Voting.Infrastructure.Redis;

/// <summary>Ready when Redis answers PING.</summary>
public sealed class RedisHealthCheck(IConnectionMultiplexer redis) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var latency = await redis.GetDatabase().PingAsync();
            return HealthCheckResult.Healthy($"PING {latency.TotalMilliseconds:F1} ms");
        }
        catch (RedisException e)
        {
            return HealthCheckResult.Unhealthy("Redis unreachable: " + e.Message);
        }
        catch (RedisTimeoutException e)
        {
            return HealthCheckResult.Unhealthy("Redis did not answer in time: " + e.Message);
        }
    }
}
