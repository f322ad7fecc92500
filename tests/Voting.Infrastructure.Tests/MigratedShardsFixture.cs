using Voting.Infrastructure.MySql;
using Voting.TestSupport;

namespace Voting.Infrastructure.Tests;

/// <summary>
/// One set of 16 shard databases under a prefix of its own, migrated by three migrators racing
/// each other (as several service instances starting together would), dropped at the end.
/// </summary>
public sealed class MigratedShardsFixture : IAsyncLifetime
{
    public MySqlShardConnections Connections { get; } = new(LocalStack.MySql(LocalStack.UniqueName("it") + "_s"));

    /// <summary>Steps applied by each of the racing migrators.</summary>
    public IReadOnlyList<int> AppliedByRacingMigrators { get; private set; } = [];

    public MySqlSchemaMigrator NewMigrator() => new(Connections, TestLoggers.For<MySqlSchemaMigrator>());

    public async Task InitializeAsync() =>
        AppliedByRacingMigrators = await Task.WhenAll(
            Enumerable.Range(0, 3).Select(_ => NewMigrator().MigrateAsync(MySqlMigrations.All, CancellationToken.None)));

    public Task DisposeAsync() => TestStores.DropAsync(Connections);
}
