using Voting.TestSupport;

namespace Voting.Results.Tests;

/// <summary>
/// The results service reaching Redis through a proxy the test can freeze: Redis then hangs for the
/// service (every command times out, after the client's default 5 s) instead of refusing connections.
/// </summary>
public sealed class HungRedisResultsFactory : ResultsFactory
{
    public HungRedisResultsFactory()
    {
        var redisPort = new Uri("redis://" + LocalStack.Redis().Configuration.Split(',')[0]).Port;
        Redis = new FreezableTcpProxy(redisPort);
        Settings["Voting:Redis:Configuration"] = $"127.0.0.1:{Redis.Port},abortConnect=false";
    }

    public FreezableTcpProxy Redis { get; }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await Redis.DisposeAsync();
    }
}
