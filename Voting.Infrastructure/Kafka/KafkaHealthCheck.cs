using Confluent.Kafka;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Voting.Infrastructure.Kafka;

/// <summary>Ready when a broker answers a metadata request for the votes topic.</summary>
public sealed class KafkaHealthCheck(KafkaOptions options) : IHealthCheck, IDisposable
{
    // The admin client is native: a check in flight and disposal at shutdown must not overlap.
    private readonly Lock gate = new();
    private readonly IAdminClient admin = new AdminClientBuilder(KafkaClientConfigs.Admin(options)).SetLogHandler(KafkaClientLog.Write).Build();
    private bool disposed;

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.Run(Check, cancellationToken);

    public void Dispose()
    {
        lock (gate)
        {
            disposed = true;
            admin.Dispose();
        }
    }

    private HealthCheckResult Check()
    {
        lock (gate)
        {
            if (disposed)
            {
                return HealthCheckResult.Unhealthy("shutting down");
            }

            try
            {
                var metadata = admin.GetMetadata(options.VotesTopic, TimeSpan.FromSeconds(3));
                var topic = metadata.Topics.FirstOrDefault(t => t.Topic == options.VotesTopic);
                return topic is null || topic.Error.Code != ErrorCode.NoError
                    ? HealthCheckResult.Unhealthy($"Kafka answers but topic '{options.VotesTopic}' is unavailable: {topic?.Error.Reason ?? "missing"}")
                    : HealthCheckResult.Healthy($"{metadata.Brokers.Count} broker(s), {topic.Partitions.Count} partitions");
            }
            catch (KafkaException e)
            {
                return HealthCheckResult.Unhealthy($"Kafka at {options.BootstrapServers} unreachable: {e.Error.Reason}");
            }
        }
    }
}
