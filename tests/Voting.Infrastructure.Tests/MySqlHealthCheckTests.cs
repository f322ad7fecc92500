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
}
