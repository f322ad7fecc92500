using Microsoft.Extensions.Diagnostics.HealthChecks;
using Voting.Infrastructure.MySql;

namespace Voting.Infrastructure.Tests;

/// <summary>MariaDB readiness covers the Merkle log's database as well as the 16 shards, wherever the log lives.</summary>
public sealed class MySqlHealthCheckTests(MigratedShardsFixture shards) : IClassFixture<MigratedShardsFixture>
{
    [Fact]
    public async Task Ready_names_the_shards_and_the_log()
    {
        await shards.NewMigrator().MigrateLogAsync(MerkleLogMigrations.All, CancellationToken.None);
        var result = await new MySqlHealthCheck(shards.Connections).CheckHealthAsync(new HealthCheckContext());
        Assert.Equal(HealthStatus.Healthy, result.Status);
        Assert.Equal("16 shard databases and the Merkle log answer", result.Description);
    }

    [Fact]
    public async Task A_log_server_that_does_not_answer_makes_it_not_ready_and_is_named()
    {
        var options = shards.Connections.Options;
        var broken = new MySqlShardConnections(new MySqlShardOptions
        {
            ConnectionString = options.ConnectionString,
            DatabasePrefix = options.DatabasePrefix,
            LogConnectionString = "Server=127.0.0.1;Port=1;User ID=voting;Password=voting;SslMode=None;Connection Timeout=2",
        });

        var result = await new MySqlHealthCheck(broken).CheckHealthAsync(new HealthCheckContext());
        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.StartsWith($"1 database(s) down: {options.DatabasePrefix}log: ", result.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_server_that_accepts_but_never_answers_is_named_within_a_ping_timeout_with_the_registrations_failure_status()
    {
        // Accepts connections and says nothing: a MariaDB client waits for the server's greeting.
        using var silent = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        silent.Start();
        var held = new List<System.Net.Sockets.TcpClient>();
        _ = Task.Run(async () =>
        {
            while (true)
            {
                try
                {
                    held.Add(await silent.AcceptTcpClientAsync());
                }
                catch (System.Net.Sockets.SocketException)
                {
                    return;
                }
                catch (ObjectDisposedException)
                {
                    return;
                }
            }
        });
        var port = ((System.Net.IPEndPoint)silent.LocalEndpoint).Port;
        var hung = new MySqlShardConnections(new MySqlShardOptions
        {
            ConnectionString = $"Server=127.0.0.1;Port={port};User ID=voting;Password=voting;SslMode=None;Connection Timeout=30",
            DatabasePrefix = shards.Connections.Options.DatabasePrefix,
        });
        var registration = new HealthCheckRegistration("mysql", new MySqlHealthCheck(hung), HealthStatus.Degraded, tags: null);

        var clock = System.Diagnostics.Stopwatch.StartNew();
        var result = await new MySqlHealthCheck(hung).CheckHealthAsync(new HealthCheckContext { Registration = registration });

        // All 17 at once, each cut off at the ping timeout: one probe's worth of waiting, not 17 connect timeouts.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"took {clock.Elapsed}");
        Assert.Equal(HealthStatus.Degraded, result.Status);
        Assert.StartsWith("17 database(s) down: ", result.Description, StringComparison.Ordinal);
        Assert.Contains("no answer within 2 s", result.Description, StringComparison.Ordinal);
        silent.Stop();
        held.ForEach(c => c.Dispose());
    }
}
