using Microsoft.Extensions.Diagnostics.HealthChecks;
using Nethereum.JsonRpc.Client;

namespace Voting.Infrastructure.Chain;

/// <summary>Ready when the node answers and is on the configured chain.</summary>
public sealed class ChainHealthCheck(ChainClientFactory factory) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var chainId = (long)(await factory.CreateReadOnly().Eth.ChainId.SendRequestAsync()).Value;
            return chainId == factory.Options.ChainId
                ? HealthCheckResult.Healthy($"chain {chainId}")
                : HealthCheckResult.Unhealthy($"node at {factory.Options.RpcUrl} is on chain {chainId}, expected {factory.Options.ChainId}");
        }
        catch (RpcClientUnknownException e)
        {
            return HealthCheckResult.Unhealthy($"chain node at {factory.Options.RpcUrl} unreachable: {e.Message}");
        }
        catch (RpcClientTimeoutException)
        {
            return HealthCheckResult.Unhealthy($"chain node at {factory.Options.RpcUrl} did not answer in {factory.Options.RpcTimeoutSeconds} s");
        }
    }
}
