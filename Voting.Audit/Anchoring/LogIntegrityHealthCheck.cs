using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Voting.Audit.Anchoring;

/// <summary>
/// Degraded while some election's log departs from its own checkpoints (<see cref="LogIntegrity"/>):
/// the service still answers (proofs of other elections, audits), but that election is no longer
/// checkpointed or anchored, and an operator must find out why.
/// </summary>
public sealed class LogIntegrityHealthCheck(LogIntegrity integrity) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var breaks = integrity.Breaks;
        return Task.FromResult(breaks.Count == 0
            ? HealthCheckResult.Healthy("every log holds its checkpoints")
            : HealthCheckResult.Degraded(
                "not checkpointed or anchored, run an audit: " + string.Join(" ", breaks.Select(b => $"[{b.ElectionId}, before {(b.Stage == LogIntegrity.Stage.Anchor ? "anchoring" : "a checkpoint")}] {b.Problem}"))));
    }
}
