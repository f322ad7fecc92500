using System.Diagnostics;
using System.Globalization;
using StackExchange.Redis;

namespace Voting.TestSupport;

/// <summary>
/// A Redis Cluster of one primary holding every slot: the same Debian redis-server the stack runs,
/// started on a free loopback port in a scratch directory and removed afterwards. The gate sees a
/// cluster, so it sends one script per filter shard (hash tag), as it does in production. Used by the
/// cluster tests and, as a linked file, by the voter gate benchmark (no test framework inside).
/// </summary>
public sealed class OneNodeRedisCluster : IAsyncDisposable
{
    private readonly string directory;
    private readonly Process server;

    private OneNodeRedisCluster(string directory, Process server, string endpoint, ConnectionMultiplexer redis)
    {
        this.directory = directory;
        this.server = server;
        Endpoint = endpoint;
        Redis = redis;
    }

    /// <summary>host:port of the node.</summary>
    public string Endpoint { get; }

    /// <summary>A connection to the cluster, in admin mode (for INFO and CLUSTER commands).</summary>
    public ConnectionMultiplexer Redis { get; }

    public static async Task<OneNodeRedisCluster> StartAsync()
    {
        var port = LoopbackPorts.Free(companionOffset: 10_000); // the cluster bus listens on port + 10000
        var directory = Directory.CreateTempSubdirectory("voting-redis-cluster-").FullName;
        var server = Process.Start(new ProcessStartInfo("redis-server")
        {
            ArgumentList =
            {
                "--bind", "127.0.0.1", "--port", port.ToString(CultureInfo.InvariantCulture),
                "--cluster-enabled", "yes", "--cluster-config-file", Path.Combine(directory, "nodes.conf"),
                "--dir", directory, "--save", "", "--appendonly", "no",
            },
            RedirectStandardOutput = true,
            UseShellExecute = false,
        }) ?? throw new InvalidOperationException("redis-server did not start");
        server.OutputDataReceived += (_, _) => { };
        server.BeginOutputReadLine();

        var endpoint = $"127.0.0.1:{port}";
        try
        {
            return new OneNodeRedisCluster(directory, server, endpoint, await FormAsync(server, endpoint));
        }
        catch
        {
            // Not formed: nothing is left running or on disk.
            server.Kill();
            await server.WaitForExitAsync();
            server.Dispose();
            Directory.Delete(directory, recursive: true);
            throw;
        }
    }

    // Gives the node every slot, waits for cluster_state:ok and returns a connection to it.
    private static async Task<ConnectionMultiplexer> FormAsync(Process server, string endpoint)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                using var admin = await ConnectionMultiplexer.ConnectAsync($"{endpoint},allowAdmin=true");
                var database = admin.GetDatabase();
                await database.ExecuteAsync("CLUSTER", "ADDSLOTSRANGE", "0", "16383");
                for (var i = 0; !((string)(await database.ExecuteAsync("CLUSTER", "INFO"))!).Contains("cluster_state:ok", StringComparison.Ordinal); i++)
                {
                    if (i == 100)
                    {
                        throw new InvalidOperationException("the one-node Redis cluster did not reach cluster_state:ok within 10 s");
                    }

                    await Task.Delay(100);
                }

                break;
            }
            catch (RedisConnectionException) when (attempt < 50 && !server.HasExited)
            {
                await Task.Delay(100);
            }
        }

        return await ConnectionMultiplexer.ConnectAsync($"{endpoint},allowAdmin=true");
    }

    public async ValueTask DisposeAsync()
    {
        await Redis.DisposeAsync();
        if (!server.HasExited)
        {
            server.Kill();
            await server.WaitForExitAsync();
        }

        server.Dispose();
        Directory.Delete(directory, recursive: true);
    }
}
