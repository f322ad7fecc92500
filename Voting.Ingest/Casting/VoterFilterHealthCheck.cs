using Microsoft.Extensions.Diagnostics.HealthChecks;
using Voting.Infrastructure.Elections;
using Voting.Infrastructure.Redis;

namespace Voting.Ingest.Casting;

/// <summary>
/// Degraded while an open election's duplicate filter is missing (votes refused until everything
/// accepted is stored) or being rebuilt (every voter checked in MariaDB); healthy once all are ready.
/// Degraded, not unhealthy: the instance still answers, and the rebuild needs no traffic diverted.
/// </summary>
public sealed class VoterFilterHealthCheck(ElectionRegistry elections, VoterGate gate, TimeProvider clock) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var notReady = new List<string>();
        try
        {
            foreach (var election in elections.All.Where(e => e.ClosesAt > clock.GetUtcNow()))
            {
                switch (await gate.FilterStateAsync(election.Id))
                {
                    case VoterFilterState.Missing:
                        notReady.Add($"{election.Id}: filter missing, votes refused until everything accepted is stored");
                        break;
                    case VoterFilterState.Exact:
                        notReady.Add($"{election.Id}: filter being refilled, every voter checked in MariaDB");
                        break;
                }
            }
        }
        catch (Exception e) when (RedisFailure.Is(e))
        {
            return HealthCheckResult.Degraded("filter state unknown: " + e.Message);
        }

        return notReady.Count == 0 ? HealthCheckResult.Healthy("every open election's filter is ready") : HealthCheckResult.Degraded(string.Join("; ", notReady));
    }
}
