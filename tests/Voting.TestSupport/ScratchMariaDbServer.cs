using System.Diagnostics;
using MySqlConnector;

namespace Voting.TestSupport;

/// <summary>
/// A second MariaDB server of a test's own: the same Debian mariadbd the stack runs, with a fresh
/// data directory, on a free loopback port, with the stack's user and password; stopped and removed
/// on dispose. For tests about a database living on another server than the shards, and about that
/// server crashing on its own (<see cref="KillAsync"/>, then <see cref="RestartAsync"/> on the same
/// data, as after a power cut).
/// </summary>
public sealed class ScratchMariaDbServer : IAsyncDisposable
{
    private readonly string directory;
    private Process server;

    private ScratchMariaDbServer(string directory, int port, string connectionString)
    {
        this.directory = directory;
        Port = port;
        ConnectionString = connectionString;
        server = Launch();
    }

    /// <summary>The port mariadbd listens on (127.0.0.1).</summary>
    public int Port { get; }

    /// <summary>Server, user and password, no database: as <c>Voting:MySql</c> connection strings are written.</summary>
    public string ConnectionString { get; }

    private string Socket => Path.Combine(directory, "mysqld.sock");

    public static async Task<ScratchMariaDbServer> StartAsync()
    {
        var directory = Directory.CreateTempSubdirectory("voting-mariadb-").FullName;
        await RunAsync(
            "mariadb-install-db",
            ["--no-defaults", "--user=root", $"--datadir={Path.Combine(directory, "data")}", "--auth-root-authentication-method=normal", "--skip-test-db", "--skip-name-resolve"],
            Path.Combine(directory, "install.log"));

        var port = LoopbackPorts.Free();
        var stack = new MySqlConnectionStringBuilder(LocalStack.MySql().ConnectionString);
        var connectionString = new MySqlConnectionStringBuilder(stack.ConnectionString) { Server = "127.0.0.1", Port = (uint)port, Database = "" }.ConnectionString;
        var scratch = new ScratchMariaDbServer(directory, port, connectionString);
        try
        {
            await scratch.GrantStackUserAsync(stack.UserID, stack.Password);
            return scratch;
        }
        catch
        {
            await scratch.DisposeAsync();
            throw;
        }
    }

    /// <summary>Whether a database of that name exists on this server.</summary>
    public async Task<bool> HasDatabaseAsync(string database)
    {
        await using var connection = new MySqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new MySqlCommand("SELECT COUNT(*) FROM information_schema.schemata WHERE schema_name = @d", connection);
        command.Parameters.AddWithValue("@d", database);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture) > 0;
    }

    /// <summary>Stops the server at once (SIGKILL, as a crash would); the data directory stays.</summary>
    public async Task KillAsync()
    {
        if (!server.HasExited)
        {
            server.Kill(entireProcessTree: true);
            await server.WaitForExitAsync();
        }
    }

    /// <summary>Starts the server again on its data directory and port (crash recovery included) and waits until the stack's user can log in.</summary>
    public async Task RestartAsync()
    {
        await KillAsync();
        server.Dispose();
        server = Launch();
        await WhenUpAsync("restart", async () =>
        {
            await using var connection = new MySqlConnection(new MySqlConnectionStringBuilder(ConnectionString) { Pooling = false }.ConnectionString);
            await connection.OpenAsync();
        });
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        server.Dispose();
        Directory.Delete(directory, recursive: true);
    }

    private Process Launch()
    {
        var launched = Process.Start(new ProcessStartInfo(Sbin("mariadbd"))
        {
            ArgumentList =
            {
                "--no-defaults", "--user=root", $"--datadir={Path.Combine(directory, "data")}", $"--socket={Socket}",
                $"--pid-file={Path.Combine(directory, "mysqld.pid")}", $"--port={Port}", "--bind-address=127.0.0.1", "--skip-name-resolve",
                $"--log-error={Path.Combine(directory, "error.log")}", "--innodb-buffer-pool-size=64M", "--innodb-log-file-size=48M",
                "--character-set-server=utf8mb4",
            },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        }) ?? throw new InvalidOperationException("mariadbd did not start");
        launched.OutputDataReceived += (_, _) => { };
        launched.ErrorDataReceived += (_, _) => { };
        launched.BeginOutputReadLine();
        launched.BeginErrorReadLine();
        return launched;
    }

    private Task GrantStackUserAsync(string user, string password) => WhenUpAsync("start", async () =>
    {
        var root = new MySqlConnectionStringBuilder { Server = Socket, ConnectionProtocol = MySqlConnectionProtocol.UnixSocket, UserID = "root", Pooling = false };
        await using var connection = new MySqlConnection(root.ConnectionString);
        await connection.OpenAsync();
        await using var grant = new MySqlCommand(
            $"CREATE USER '{user}'@'127.0.0.1' IDENTIFIED BY @p; GRANT ALL PRIVILEGES ON *.* TO '{user}'@'127.0.0.1'", connection);
        grant.Parameters.AddWithValue("@p", password);
        await grant.ExecuteNonQueryAsync();
    });

    /// <summary>Runs <paramref name="attempt"/> until the server lets it through (60 s at most); fails at once if mariadbd exits.</summary>
    private async Task WhenUpAsync(string phase, Func<Task> attempt)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            Assert.False(server.HasExited, $"mariadbd exited on {phase}: {ErrorLogTail()}");
            try
            {
                await attempt();
                return;
            }
            catch (MySqlException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }
        }
    }

    private string ErrorLogTail()
    {
        var log = Path.Combine(directory, "error.log");
        return File.Exists(log) ? string.Join(" | ", File.ReadLines(log).TakeLast(5)) : "no error log";
    }

    private static async Task RunAsync(string program, string[] arguments, string logPath)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        await File.WriteAllTextAsync(logPath, await output + await errors);
        Assert.True(process.ExitCode == 0, $"{program} exited with {process.ExitCode}: {await errors}");
    }

    // mariadbd lives in /usr/sbin, which a non-login PATH may lack.
    private static string Sbin(string program) =>
        File.Exists(Path.Combine("/usr/sbin", program)) ? Path.Combine("/usr/sbin", program) : program;
}
