using MySqlConnector;
using Voting.Core.Sharding;

namespace Voting.Infrastructure.MySql;

/// <summary>Opens connections to shard databases; one pooled connection string per shard.</summary>
public sealed class MySqlShardConnections
{
    private readonly string[] shardConnectionStrings;
    private readonly string[] serverConnectionStrings;
    private readonly string logServerConnectionString;
    private readonly string logConnectionString;

    public MySqlShardConnections(MySqlShardOptions options)
    {
        Options = options;
        shardConnectionStrings = new string[ShardLayout.DatabaseCount];
        serverConnectionStrings = new string[ShardLayout.DatabaseCount];
        for (var shard = 0; shard < ShardLayout.DatabaseCount; shard++)
        {
            var server = options.ShardConnectionStrings.GetValueOrDefault(shard, options.ConnectionString);
            var builder = new MySqlConnectionStringBuilder(server)
            {
                Database = "",
                MaximumPoolSize = (uint)options.MaxPoolSizePerShard,
                AllowUserVariables = true,
            };
            serverConnectionStrings[shard] = builder.ConnectionString;
            builder.Database = DatabaseName(shard);
            shardConnectionStrings[shard] = builder.ConnectionString;
        }

        logServerConnectionString = string.IsNullOrWhiteSpace(options.LogConnectionString)
            ? serverConnectionStrings[0]
            : new MySqlConnectionStringBuilder(options.LogConnectionString)
            {
                Database = "",
                MaximumPoolSize = (uint)options.MaxPoolSizePerShard,
                AllowUserVariables = true,
            }.ConnectionString;
        logConnectionString = new MySqlConnectionStringBuilder(logServerConnectionString) { Database = LogDatabaseName }.ConnectionString;
    }

    public MySqlShardOptions Options { get; }

    /// <summary>Every database of this store: the 16 shards, then the Merkle log.</summary>
    public IReadOnlyList<string> AllDatabaseNames =>
        [.. Enumerable.Range(0, ShardLayout.DatabaseCount).Select(DatabaseName), LogDatabaseName];

    /// <summary>The Merkle log database (on its own server if one is configured, else on shard 0's).</summary>
    public string LogDatabaseName => ShardLayout.LogDatabaseName(Options.DatabasePrefix);

    /// <summary>An open connection to the Merkle log database.</summary>
    public async Task<MySqlConnection> OpenLogAsync(CancellationToken cancellationToken)
    {
        var connection = new MySqlConnection(logConnectionString);
        await connection.OpenAsync(cancellationToken);
        return connection;
    }

    /// <summary>Name of shard database <paramref name="shard"/>.</summary>
    public string DatabaseName(int shard) => ShardLayout.DatabaseName(Options.DatabasePrefix, shard);

    /// <summary>An open connection to shard database <paramref name="shard"/>.</summary>
    public async Task<MySqlConnection> OpenShardAsync(int shard, CancellationToken cancellationToken)
    {
        var connection = new MySqlConnection(shardConnectionStrings[shard]);
        await connection.OpenAsync(cancellationToken);
        return connection;
    }

    /// <summary>
    /// An open connection to the server that holds <paramref name="database"/>, one of
    /// <see cref="AllDatabaseNames"/>, no database selected (for DDL).
    /// </summary>
    public async Task<MySqlConnection> OpenServerOfAsync(string database, CancellationToken cancellationToken)
    {
        string server;
        if (database == LogDatabaseName)
        {
            server = logServerConnectionString;
        }
        else
        {
            var shard = Enumerable.Range(0, ShardLayout.DatabaseCount).FirstOrDefault(s => DatabaseName(s) == database, -1);
            server = shard >= 0
                ? serverConnectionStrings[shard]
                : throw new ArgumentException($"{database} is none of this store's databases ({Options.DatabasePrefix}00-15, {LogDatabaseName}).", nameof(database));
        }

        var connection = new MySqlConnection(server);
        await connection.OpenAsync(cancellationToken);
        return connection;
    }

    /// <summary>An open connection to the server of shard <paramref name="shard"/>, no database selected (for DDL).</summary>
    public async Task<MySqlConnection> OpenServerAsync(int shard, CancellationToken cancellationToken)
    {
        var connection = new MySqlConnection(serverConnectionStrings[shard]);
        await connection.OpenAsync(cancellationToken);
        return connection;
    }
}
