using System.Globalization;
using MySqlConnector;
using Voting.Infrastructure.MySql;

namespace Voting.Bench.Processor;

/// <summary>
/// Waits until MariaDB has finished the background work an earlier phase or run left behind:
/// purging old row versions and dropped databases, flushing dirty pages. Otherwise a phase pays for
/// its predecessor's work (a run measured right after another saw its raw ceiling fall from ~30,000
/// to ~19,500 votes/s), and the two sides of the ratio are not measured alike. MariaDB does not
/// flush dirty pages while idle, so the wait lowers <c>innodb_max_dirty_pages_pct</c> to 0 (flush
/// everything) and puts it back after. The value it found is kept in a file beside the stack until
/// it is put back: a run killed meanwhile leaves it for the next run to restore, instead of a server
/// flushing everything for good and the next run taking 0 for the original.
/// </summary>
internal static class MariaDbQuiet
{
    private const long QuietHistoryLength = 1_000;
    private const double QuietDirtyShare = 0.01;
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(3);

    public static async Task WaitAsync(MySqlShardConnections shards, Action<string> say, CancellationToken cancellationToken)
    {
        var started = DateTime.UtcNow;
        await using var connection = await shards.OpenServerAsync(0, cancellationToken);
        var saved = SavedSettingFile();
        var dirtyLimit = File.Exists(saved)
            ? (await File.ReadAllTextAsync(saved, cancellationToken)).Trim()
            : await ScalarAsync(connection, "SELECT @@GLOBAL.innodb_max_dirty_pages_pct", cancellationToken);
        if (!double.TryParse(dirtyLimit, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
        {
            throw new InvalidOperationException($"innodb_max_dirty_pages_pct to restore is '{dirtyLimit}' (from {saved}?): set it by hand and delete that file");
        }

        await File.WriteAllTextAsync(saved, dirtyLimit, cancellationToken);
        await ScalarAsync(connection, "SET GLOBAL innodb_max_dirty_pages_pct = 0", cancellationToken);
        try
        {
            await WaitQuietAsync(connection, started, say, cancellationToken);
        }
        finally
        {
            await ScalarAsync(connection, $"SET GLOBAL innodb_max_dirty_pages_pct = {dirtyLimit}", CancellationToken.None);
            File.Delete(saved);
        }
    }

    // In VOTING_STACK_DIR when it is set (the stack's own state), else in the temporary folder.
    private static string SavedSettingFile() =>
        Path.Combine(Environment.GetEnvironmentVariable("VOTING_STACK_DIR") is { Length: > 0 } stack ? stack : Path.GetTempPath(), "bench-innodb-max-dirty-pages-pct");

    private static async Task<string> ScalarAsync(MySqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new MySqlCommand(sql, connection);
        return Convert.ToString(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture) ?? "";
    }

    private static async Task WaitQuietAsync(MySqlConnection connection, DateTime started, Action<string> say, CancellationToken cancellationToken)
    {
        var lastReport = started;
        while (true)
        {
            var (history, dirty, total) = await ReadAsync(connection, cancellationToken);
            if (history < QuietHistoryLength && dirty < total * QuietDirtyShare)
            {
                say($"MariaDB quiet after {(DateTime.UtcNow - started).TotalSeconds:F0} s (purge backlog {history:N0}, dirty pages {dirty:N0} of {total:N0})");
                return;
            }

            if (DateTime.UtcNow - started > Limit)
            {
                say($"MariaDB still busy after {Limit.TotalMinutes:F0} min (purge backlog {history:N0}, dirty pages {dirty:N0}); measuring anyway");
                return;
            }

            if (DateTime.UtcNow - lastReport > TimeSpan.FromSeconds(10))
            {
                lastReport = DateTime.UtcNow;
                say($"  waiting for MariaDB to go quiet: purge backlog {history:N0}, dirty pages {dirty:N0} of {total:N0}");
            }

            await Task.Delay(1_000, cancellationToken);
        }
    }

    private static async Task<(long History, long Dirty, long Total)> ReadAsync(MySqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new MySqlCommand(
            """
            SELECT VARIABLE_NAME, VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS
            WHERE VARIABLE_NAME IN ('INNODB_HISTORY_LIST_LENGTH', 'INNODB_BUFFER_POOL_PAGES_DIRTY', 'INNODB_BUFFER_POOL_PAGES_TOTAL')
            """,
            connection);
        var values = new Dictionary<string, long>(StringComparer.OrdinalIgnoreCase);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            values[reader.GetString(0)] = long.Parse(reader.GetString(1), CultureInfo.InvariantCulture);
        }

        return (values.GetValueOrDefault("INNODB_HISTORY_LIST_LENGTH"), values.GetValueOrDefault("INNODB_BUFFER_POOL_PAGES_DIRTY"),
            values.GetValueOrDefault("INNODB_BUFFER_POOL_PAGES_TOTAL", 1));
    }
}
