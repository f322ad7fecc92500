using Microsoft.Extensions.Logging;
using MySqlConnector;
using Voting.Core.Sharding;

namespace Voting.Infrastructure.MySql;

/// <summary>
/// Brings every shard database to the newest schema version. Safe to run from many service
/// instances at once: each shard is migrated under a server-side named lock, and a version that
/// is recorded is never applied again.
/// </summary>
public sealed class MySqlSchemaMigrator(MySqlShardConnections connections, ILogger<MySqlSchemaMigrator> logger)
{
    private const int LockTimeoutSeconds = 120;
    private const int ParallelShards = 4;

    /// <summary>Migrates all 16 shards; returns the number of (shard, version) steps applied.</summary>
    public async Task<int> MigrateAsync(IReadOnlyList<MySqlMigration> migrations, CancellationToken cancellationToken)
    {
        var applied = 0;
        await Parallel.ForEachAsync(
            Enumerable.Range(0, ShardLayout.DatabaseCount),
            new ParallelOptions { MaxDegreeOfParallelism = ParallelShards, CancellationToken = cancellationToken },
            async (shard, ct) => Interlocked.Add(ref applied, await MigrateDatabaseAsync(
                connections.DatabaseName(shard), c => connections.OpenServerAsync(shard, c), migrations, ct)));
        logger.LogInformation(
            "MySQL schema at version {Version} on {Shards} shards ({Applied} steps applied now)",
            migrations.Max(m => m.Version), ShardLayout.DatabaseCount, applied);
        return applied;
    }

    /// <summary>The highest version recorded in every shard, or 0 when any shard is unmigrated.</summary>
    public async Task<int> CurrentVersionAsync(CancellationToken cancellationToken)
    {
        var lowest = int.MaxValue;
        for (var shard = 0; shard < ShardLayout.DatabaseCount; shard++)
        {
            await using var connection = await connections.OpenServerAsync(shard, cancellationToken);
            var database = connections.DatabaseName(shard);
            await using var exists = new MySqlCommand(
                "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = @db AND table_name = 'schema_migrations'",
                connection);
            exists.Parameters.AddWithValue("@db", database);
            if (Convert.ToInt64(await exists.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture) == 0)
            {
                return 0;
            }

            await using var max = new MySqlCommand($"SELECT COALESCE(MAX(version), 0) FROM `{database}`.schema_migrations", connection);
            lowest = Math.Min(lowest, Convert.ToInt32(await max.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture));
        }

        return lowest;
    }

    /// <summary>Brings the Merkle log database (on its configured server, else shard 0's) to the newest version.</summary>
    public async Task<int> MigrateLogAsync(IReadOnlyList<MySqlMigration> migrations, CancellationToken cancellationToken)
    {
        var applied = await MigrateDatabaseAsync(connections.LogDatabaseName, c => connections.OpenServerOfAsync(connections.LogDatabaseName, c), migrations, cancellationToken);
        logger.LogInformation("Merkle log schema at version {Version} ({Applied} steps applied now)", migrations.Max(m => m.Version), applied);
        return applied;
    }

    private static async Task<int> MigrateDatabaseAsync(
        string database, Func<CancellationToken, Task<MySqlConnection>> openServer, IReadOnlyList<MySqlMigration> migrations, CancellationToken cancellationToken)
    {
        await using var connection = await openServer(cancellationToken);
        var lockName = "voting_schema:" + database;
        if (!await AcquireLockAsync(connection, lockName, cancellationToken))
        {
            throw new TimeoutException($"Could not take the schema lock of {database} within {LockTimeoutSeconds} s; another migrator is stuck.");
        }

        try
        {
            await ExecuteAsync(connection, $"CREATE DATABASE IF NOT EXISTS `{database}` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin", cancellationToken);
            await connection.ChangeDatabaseAsync(database, cancellationToken);
            await ExecuteAsync(
                connection,
                """
                CREATE TABLE IF NOT EXISTS schema_migrations (
                  version     INT          NOT NULL PRIMARY KEY,
                  description VARCHAR(200) NOT NULL,
                  applied_at  DATETIME     NOT NULL
                ) ENGINE=InnoDB
                """,
                cancellationToken);

            var done = new HashSet<int>();
            await using (var read = new MySqlCommand("SELECT version FROM schema_migrations", connection))
            await using (var reader = await read.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    done.Add(reader.GetInt32(0));
                }
            }

            var applied = 0;
            foreach (var migration in migrations.OrderBy(m => m.Version).Where(m => !done.Contains(m.Version)))
            {
                foreach (var statement in migration.Statements())
                {
                    await ExecuteAsync(connection, statement, cancellationToken);
                }

                // DDL commits implicitly in MySQL, so the step is recorded last: a crash mid-step
                // re-runs it, which is why every statement is idempotent.
                await using var record = new MySqlCommand(
                    "INSERT INTO schema_migrations (version, description, applied_at) VALUES (@v, @d, UTC_TIMESTAMP())",
                    connection);
                record.Parameters.AddWithValue("@v", migration.Version);
                record.Parameters.AddWithValue("@d", migration.Description);
                await record.ExecuteNonQueryAsync(cancellationToken);
                applied++;
            }

            return applied;
        }
        finally
        {
            await using var release = new MySqlCommand("SELECT RELEASE_LOCK(@name)", connection);
            release.Parameters.AddWithValue("@name", lockName);
            await release.ExecuteScalarAsync(CancellationToken.None);
        }
    }

    private static async Task<bool> AcquireLockAsync(MySqlConnection connection, string name, CancellationToken cancellationToken)
    {
        await using var command = new MySqlCommand("SELECT GET_LOCK(@name, @timeout)", connection);
        command.Parameters.AddWithValue("@name", name);
        command.Parameters.AddWithValue("@timeout", LockTimeoutSeconds);
        command.CommandTimeout = LockTimeoutSeconds + 10;
        // GET_LOCK answers 1 (taken), 0 (timed out) or NULL (error); its integer type differs by server.
        return await command.ExecuteScalarAsync(cancellationToken) is { } result and not DBNull
               && Convert.ToInt64(result, System.Globalization.CultureInfo.InvariantCulture) == 1;
    }

    private static async Task ExecuteAsync(MySqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new MySqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
