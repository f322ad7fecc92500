using System.Diagnostics;
using System.Net;

namespace Voting.TestSupport;

/// <summary>
/// A service run as a real child process from the test's output folder (so it can be killed with
/// SIGKILL, as a crash would), configured through environment variables, on a free loopback port.
/// </summary>
public sealed class ChildService : IAsyncDisposable
{
    private readonly Process process;

    private ChildService(Process process, Uri baseAddress)
    {
        this.process = process;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    /// <summary>
    /// Starts <paramref name="assemblyName"/>; with <paramref name="outputFile"/> every line it prints is
    /// also kept there (for tests that read a service's whole log).
    /// </summary>
    public static ChildService Start(string assemblyName, IReadOnlyDictionary<string, string> environment, string? outputFile = null)
    {
        var port = LoopbackPorts.Free();
        var assembly = Locate(assemblyName);
        var start = new ProcessStartInfo("dotnet", [assembly, "--urls", $"http://127.0.0.1:{port}"])
        {
            WorkingDirectory = Path.GetDirectoryName(assembly)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["ASPNETCORE_ENVIRONMENT"] = LocalStack.Environment;
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {assemblyName}");
        var child = new ChildService(process, new Uri($"http://127.0.0.1:{port}"))
        {
            output = outputFile is null ? null : new StreamWriter(outputFile, append: true) { AutoFlush = true },
        };
        process.OutputDataReceived += (_, e) => child.Remember(e.Data);
        process.ErrorDataReceived += (_, e) => child.Remember(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    private readonly System.Collections.Concurrent.ConcurrentQueue<string> lastLines = new();

    /// <summary>The child's last 30 lines of output, for failure messages.</summary>
    public string RecentOutput => string.Join('\n', lastLines);

    private StreamWriter? output;

    private void Remember(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (lastLines)
        {
            output?.WriteLine(line);
        }

        lastLines.Enqueue(line);
        while (lastLines.Count > 30 && lastLines.TryDequeue(out _))
        {
        }
    }

    /// <summary>
    /// The service's assembly in its own project's build output (where its static web assets
    /// manifest points), else beside the tests (a project reference).
    /// </summary>
    private static string Locate(string assemblyName)
    {
        // .../tests/X.Tests/bin/<Configuration>/<tfm>/ → <repo>/<assemblyName>/bin/<Configuration>/<tfm>/
        var tfm = new DirectoryInfo(AppContext.BaseDirectory).Name;
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
        var built = Path.Combine(RepositoryRoot.Path, assemblyName, "bin", configuration, tfm, assemblyName + ".dll");
        if (File.Exists(built))
        {
            return built;
        }

        var beside = Path.Combine(AppContext.BaseDirectory, assemblyName + ".dll");
        return File.Exists(beside)
            ? beside
            : throw new FileNotFoundException($"{assemblyName}.dll is neither built at {built} nor beside the tests; build the solution first.");
    }

    public async Task WaitUntilReadyAsync(TimeSpan patience)
    {
        using var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + patience;
        while (DateTime.UtcNow < deadline)
        {
            Assert.False(process.HasExited, $"child exited with code {(process.HasExited ? process.ExitCode : 0)}; its last output:\n{string.Join('\n', lastLines)}");
            try
            {
                using var response = await client.GetAsync(new Uri("/health/ready", UriKind.Relative));
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }
            catch (TaskCanceledException)
            {
                // listening, but too busy to answer within the client's timeout (a loaded machine): ask again
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"child at {BaseAddress} not ready within {patience.TotalSeconds} s");
    }

    /// <summary>SIGKILL: no shutdown hooks, no flush, exactly like a crash.</summary>
    public async Task KillAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
        }

        await process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        process.Dispose();
        lock (lastLines)
        {
            output?.Dispose();
            output = null;
        }
    }
}
