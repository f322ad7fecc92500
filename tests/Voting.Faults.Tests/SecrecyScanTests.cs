using MySqlConnector;
using StackExchange.Redis;
using Voting.Core.Identity;
using Voting.TestSupport;

namespace Voting.Faults.Tests;

/// <summary>
/// After a run through ingest, processor and audit (logging at Information), every record in MySQL,
/// ClickHouse and Redis and every line the services logged is scanned for a voter tied to a choice.
/// </summary>
public sealed class SecrecyScanTests
{
    [Fact]
    public async Task After_a_run_no_store_or_log_ties_a_raw_voter_id_or_pseudonym_to_a_choice()
    {
        await using var pipeline = new FaultPipeline("secrecy", keepLogs: true);
        pipeline.Settings["Logging__LogLevel__Default"] = "Information";
        pipeline.Settings["Logging__LogLevel__Voting"] = "Debug";
        await pipeline.StartAsync(ingestInstances: 1, audit: true);
        const int voters = 300;
        var load = new VoteLoad(pipeline, "secret-voter", voters);
        await load.RunAsync(workers: 8, CancellationToken.None);
        // A few voters try again with another choice: refusals must not leak either.
        var again = new VoteLoad(pipeline, "secret-voter", 30);
        await again.RunAsync(workers: 4, CancellationToken.None);
        Assert.Equal(voters, load.Accepted.Count);
        await pipeline.SettleAsync();
        await Eventually.TrueAsync(async () => (await pipeline.AuditAsync()).AnchorsChecked > 0, "the log anchored and audited");

        var rawIds = Enumerable.Range(0, voters).Select(i => $"secret-voter-{i}").ToList();
        var pseudonyms = rawIds.Select(id => Convert.ToHexStringLower(VoterPseudonym.Compute(FaultPipeline.PseudonymSecret, pipeline.Election, id))).ToList();
        var choices = new List<string>(FaultPipeline.Candidates);
        choices.AddRange(load.Accepted.Values); // receipts = ballot hashes
        choices.AddRange(await BallotIdsAsync(pipeline));
        var scanner = new SecrecyScanner(rawIds, pseudonyms, choices);

        await ScanMySqlAsync(pipeline, scanner);
        var afterMySql = scanner.RecordsScanned;
        await ScanClickHouseAsync(pipeline, scanner);
        var afterClickHouse = scanner.RecordsScanned;
        await ScanRedisAsync(pipeline, scanner);
        var afterRedis = scanner.RecordsScanned;
        foreach (var log in pipeline.LogFiles)
        {
            var number = 0;
            foreach (var line in await File.ReadAllLinesAsync(log))
            {
                scanner.Scan($"{Path.GetFileName(log)}:{++number}", [line]);
            }
        }

        Assert.True(scanner.Findings.Count == 0, string.Join("\n", scanner.Findings.Take(20)));
        // The scan saw the data it was meant to see: every ballot and participation row, the tallies, the voters' Redis keys, the logs.
        Assert.True(afterMySql >= 2 * voters, $"only {afterMySql} MySQL rows scanned");
        Assert.True(afterClickHouse > afterMySql, "no ClickHouse rows scanned");
        Assert.True(afterRedis >= afterClickHouse + voters, $"only {afterRedis - afterClickHouse} Redis keys scanned");
        Assert.True(scanner.RecordsScanned > afterRedis, "no log lines scanned");
    }

    private static async Task<List<string>> BallotIdsAsync(FaultPipeline pipeline)
    {
        var ids = new List<string>();
        await foreach (var (where, values) in MySqlRowsAsync(pipeline, table => table.StartsWith("ballots_", StringComparison.Ordinal)))
        {
            ids.Add(values[1]!); // ballot_id, the second column
        }

        return ids;
    }

    private static async Task ScanMySqlAsync(FaultPipeline pipeline, SecrecyScanner scanner)
    {
        await foreach (var (where, values) in MySqlRowsAsync(pipeline, _ => true))
        {
            scanner.Scan(where, values);
        }
    }

    /// <summary>Every row of every table in the pipeline's shard and log databases, values as text (bytes as hex).</summary>
    private static async IAsyncEnumerable<(string Where, List<string?> Values)> MySqlRowsAsync(FaultPipeline pipeline, Func<string, bool> tableFilter)
    {
        foreach (var database in pipeline.Shards.AllDatabaseNames)
        {
            await using var server = await pipeline.Shards.OpenServerOfAsync(database, CancellationToken.None);
            var tables = new List<string>();
            await using (var list = new MySqlCommand($"SELECT table_name FROM information_schema.tables WHERE table_schema = '{database}'", server))
            await using (var reader = await list.ExecuteReaderAsync())
            {
                while (await reader.ReadAsync())
                {
                    tables.Add(reader.GetString(0));
                }
            }

            foreach (var table in tables.Where(tableFilter))
            {
                await using var select = new MySqlCommand($"SELECT * FROM `{database}`.`{table}`", server);
                await using var rows = await select.ExecuteReaderAsync();
                var number = 0;
                while (await rows.ReadAsync())
                {
                    var values = new List<string?>(rows.FieldCount);
                    for (var i = 0; i < rows.FieldCount; i++)
                    {
                        values.Add(rows.IsDBNull(i) ? null : rows.GetValue(i) is byte[] bytes ? Convert.ToHexStringLower(bytes) : Convert.ToString(rows.GetValue(i), System.Globalization.CultureInfo.InvariantCulture));
                    }

                    yield return ($"mysql {database}.{table} row {++number}", values);
                }
            }
        }
    }

    private static async Task ScanClickHouseAsync(FaultPipeline pipeline, SecrecyScanner scanner)
    {
        var database = pipeline.Tallies.Options.Database;
        var tables = await pipeline.Tallies.QueryAsync($"SELECT name FROM system.tables WHERE database = '{database}'", CancellationToken.None);
        foreach (var table in tables.Select(t => t.GetProperty("name").GetString()!))
        {
            var number = 0;
            foreach (var row in await pipeline.Tallies.QueryAsync($"SELECT * FROM {database}.{table}", CancellationToken.None))
            {
                scanner.Scan($"clickhouse {database}.{table} row {++number}", [row.GetRawText()]);
            }
        }
    }

    private static async Task ScanRedisAsync(FaultPipeline pipeline, SecrecyScanner scanner)
    {
        using var redis = await ConnectionMultiplexer.ConnectAsync(LocalStack.Redis().Configuration);
        var database = redis.GetDatabase();
        foreach (var key in await RedisKeys.ListAsync(redis, pipeline.RedisPrefix))
        {
            var values = new List<string?> { key };
            switch (await database.KeyTypeAsync(key))
            {
                case RedisType.String when ((string)key!).Contains(":bloom:", StringComparison.Ordinal):
                    break; // the filter's bitmap: bit positions, megabytes of them, that can hold no choice
                case RedisType.String:
                    var bytes = (byte[]?)await database.StringGetAsync(key);
                    values.Add(bytes is null ? null : System.Text.Encoding.UTF8.GetString(bytes));
                    values.Add(bytes is null ? null : Convert.ToHexStringLower(bytes));
                    break;
                case RedisType.Hash:
                    values.AddRange((await database.HashGetAllAsync(key)).Select(e => $"{e.Name}={e.Value}"));
                    break;
                case RedisType.Set:
                    values.AddRange((await database.SetMembersAsync(key)).Select(v => (string?)v));
                    break;
                case RedisType.List:
                    values.AddRange((await database.ListRangeAsync(key)).Select(v => (string?)v));
                    break;
                case RedisType.SortedSet:
                    values.AddRange((await database.SortedSetRangeByRankAsync(key)).Select(v => (string?)v));
                    break;
            }

            scanner.Scan($"redis {key}", values);
        }
    }
}
