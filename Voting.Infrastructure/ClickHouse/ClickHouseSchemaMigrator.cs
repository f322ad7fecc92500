using Microsoft.Extensions.Logging;

namespace Voting.Infrastructure.ClickHouse;

/// <summary>Creates the tally database and tables; every statement is idempotent.</summary>
public sealed class ClickHouseSchemaMigrator(ClickHouseTallyStore store, ILogger<ClickHouseSchemaMigrator> logger)
{
    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        var database = store.Options.Database;
        var existing = await store.QueryAsync(
            $"SELECT name, engine FROM system.tables WHERE database = {ClickHouseTallyStore.Literal(database)}", cancellationToken);
        foreach (var table in existing)
        {
            var name = table.GetProperty("name").GetString()!;
            if (ClickHouseSchema.Superseded.TryGetValue(name, out var oldEngine) && table.GetProperty("engine").GetString() == oldEngine)
            {
                logger.LogWarning("Dropping {Database}.{Table} ({Engine}) of schema version 1, which could not tell a batch shipped twice", database, name, oldEngine);
                await store.ExecuteAsync($"DROP TABLE {database}.{name}", cancellationToken);
            }
        }

        foreach (var statement in ClickHouseSchema.Statements(database))
        {
            await store.ExecuteAsync(statement, cancellationToken);
        }

        var recorded = await store.QueryAsync(
            $"SELECT count() AS n FROM {database}.schema_migrations WHERE version = {ClickHouseSchema.Version}", cancellationToken);
        if (recorded[0].GetProperty("n").ToString() == "0")
        {
            await store.ExecuteAsync(
                $"INSERT INTO {database}.schema_migrations (version, applied_at) VALUES ({ClickHouseSchema.Version}, now())",
                cancellationToken);
        }

        logger.LogInformation("ClickHouse schema at version {Version} in database {Database}", ClickHouseSchema.Version, database);
    }
}
