using System.Diagnostics;
using System.Security.Cryptography;
using StackExchange.Redis;
using Voting.Infrastructure.Redis;
using Voting.TestSupport;

namespace Voting.Infrastructure.Tests;

/// <summary>
/// The gate on Redis Cluster, where a script's keys must share a hash slot: a one-node cluster of
/// the same Debian redis-server the stack runs, started by this test on a free port and removed after.
/// </summary>
public sealed class VoterGateClusterTests : IAsyncLifetime
{
    private static readonly TimeSpan LockTtl = TimeSpan.FromSeconds(10);
    private readonly string directory = Directory.CreateTempSubdirectory("voting-redis-cluster-").FullName;
    private readonly int port = LoopbackPorts.Free(companionOffset: 10_000);
    private Process? server;
    private ConnectionMultiplexer redis = null!;

    public async Task InitializeAsync()
    {
        server = Process.Start(new ProcessStartInfo("redis-server")
        {
            ArgumentList =
            {
                "--bind", "127.0.0.1", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "--cluster-enabled", "yes", "--cluster-config-file", Path.Combine(directory, "nodes.conf"),
                "--dir", directory, "--save", "", "--appendonly", "no",
            },
            RedirectStandardOutput = true,
            UseShellExecute = false,
        }) ?? throw new InvalidOperationException("redis-server did not start");
        server.OutputDataReceived += (_, _) => { };
        server.BeginOutputReadLine();

        var endpoint = $"127.0.0.1:{port}";
        using (var admin = await ConnectWhenUpAsync($"{endpoint},allowAdmin=true,abortConnect=false"))
        {
            var database = admin.GetDatabase();
            await database.ExecuteAsync("CLUSTER", "ADDSLOTSRANGE", "0", "16383");
            for (var i = 0; !((string)(await database.ExecuteAsync("CLUSTER", "INFO"))!).Contains("cluster_state:ok", StringComparison.Ordinal); i++)
            {
                Assert.True(i < 100, "the one-node cluster did not reach cluster_state:ok");
                await Task.Delay(100);
            }
        }

        redis = await ConnectionMultiplexer.ConnectAsync(endpoint);
    }

    public async Task DisposeAsync()
    {
        await redis.DisposeAsync();
        if (server is { HasExited: false })
        {
            server.Kill();
            await server.WaitForExitAsync();
        }

        server?.Dispose();
        Directory.Delete(directory, recursive: true);
    }

    [Fact]
    public async Task A_batch_of_voters_from_many_filter_shards_is_admitted_committed_and_refused_on_a_cluster()
    {
        Assert.Contains(redis.GetServers(), s => s.ServerType == ServerType.Cluster);
        var filterOptions = new BloomFilterOptions { ExpectedVoters = 10_000, FalsePositiveRate = 0.001, Shards = 16, Backend = "bitmap" };
        var gate = new VoterGate(redis, new RedisOptions { Configuration = $"127.0.0.1:{port}", KeyPrefix = "it:" }, filterOptions);
        await gate.SetFilterStateAsync("e", VoterFilterState.Ready);
        var voters = Enumerable.Range(0, 64).Select(_ => new VoterKey("e", RandomNumberGenerator.GetBytes(32))).ToArray();
        Assert.True(voters.Select(v => gate.Shape.Locate(v.Pseudonym, new long[gate.Shape.HashCount])).Distinct().Count() > 1);

        var entries = await gate.EnterAsync(voters, LockTtl, new VoterAttemptLimit(3, TimeSpan.FromMinutes(1)));
        Assert.All(entries, e => Assert.Equal(VoterAdmission.New, e.Admission));
        await gate.CommitAsync(voters.Select((v, i) => new HeldVoterLock(v, entries[i].Token)).ToArray(), TimeSpan.FromMinutes(5));

        var again = await gate.EnterAsync(voters, LockTtl, new VoterAttemptLimit(3, TimeSpan.FromMinutes(1)));
        Assert.All(again, e => Assert.Equal(VoterAdmission.AlreadyVoted, e.Admission));
        Assert.Null(await gate.CountAttemptAsync(voters[0], new VoterAttemptLimit(3, TimeSpan.FromMinutes(1))));
    }

    private static async Task<ConnectionMultiplexer> ConnectWhenUpAsync(string configuration)
    {
        for (var i = 0; ; i++)
        {
            var connection = await ConnectionMultiplexer.ConnectAsync(configuration);
            if (connection.IsConnected)
            {
                return connection;
            }

            await connection.DisposeAsync();
            Assert.True(i < 50, "redis-server did not answer");
            await Task.Delay(100);
        }
    }
}
