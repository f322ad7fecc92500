using Voting.Infrastructure.ClickHouse;
using Voting.Infrastructure.Kafka;
using Voting.Infrastructure.MySql;

namespace Voting.Infrastructure.Hosting;

internal sealed class MySqlSchemaStep(MySqlSchemaMigrator migrator) : ISchemaStep
{
    public string Name => "MySQL shards";

    public async Task ApplyAsync(CancellationToken cancellationToken)
    {
        await migrator.MigrateAsync(MySqlMigrations.All, cancellationToken);
        await migrator.MigrateLogAsync(MerkleLogMigrations.All, cancellationToken);
    }
}

internal sealed class ClickHouseSchemaStep(ClickHouseSchemaMigrator migrator) : ISchemaStep
{
    public string Name => "ClickHouse tallies";

    public Task ApplyAsync(CancellationToken cancellationToken) => migrator.MigrateAsync(cancellationToken);
}

internal sealed class KafkaTopicsStep(KafkaTopicProvisioner provisioner) : ISchemaStep
{
    public string Name => "Kafka topics";

    public Task ApplyAsync(CancellationToken cancellationToken) => provisioner.EnsureTopicsAsync(cancellationToken);
}
