namespace Voting.Deploy.Tests;

/// <summary>bench/e2e/report.py: the end-to-end benchmark's table and chart from the stage results and the simulator's summary.</summary>
public sealed class EndToEndReportTests : IDisposable
{
    private readonly string scratch = Directory.CreateTempSubdirectory("e2e-report-").FullName;

    public void Dispose() => Directory.Delete(scratch, recursive: true);

    private async Task<(int ExitCode, string Output, string Error)> ReportAsync(string summaryJson)
    {
        var summary = Path.Combine(scratch, "simulation.json");
        await File.WriteAllTextAsync(summary, summaryJson);
        return await PythonScript.RunAsync(
            "bench/e2e/report.py", "--bench-dir", RepoPaths.BenchResults, "--summary", summary, "--clickhouse-rows-per-s", "4000000",
            "--out", Path.Combine(scratch, "e2e.md"), "--svg", Path.Combine(scratch, "e2e.svg"));
    }

    private const string Summary = """
        {"accepted": 1200, "refused": 40, "failed": 0, "castingSeconds": 12.0, "acceptedPerSecond": 100.0, "readsPerSecond": 38.5,
         "visible": 1200, "visibleP50Ms": 800, "visibleP99Ms": 1500, "anchoredSamples": 12, "anchoredP50Ms": 30000, "anchoredP99Ms": 61000}
        """;

    [Fact]
    public async Task Each_figure_stands_beside_its_ceiling_and_goal_and_a_chart_is_drawn()
    {
        var (exit, _, error) = await ReportAsync(Summary);

        Assert.True(exit == 0, error);
        var table = await File.ReadAllTextAsync(Path.Combine(scratch, "e2e.md"));
        Assert.Contains("| Results reads/s (stage bench) |", table, StringComparison.Ordinal);
        Assert.Contains("| ≥ 80% |", table, StringComparison.Ordinal);
        Assert.Contains("| Vote → visible in results, p99 (ms) | 1,500 | goal 2,000 ms | — | ≤ 2,000 ms | yes |", table, StringComparison.Ordinal);
        Assert.Contains("| Vote → anchored on chain, p99 (ms) | 61,000 |", table, StringComparison.Ordinal);
        Assert.Contains("| ClickHouse insert, rows/s | 4,000,000 |", table, StringComparison.Ordinal);
        var svg = await File.ReadAllTextAsync(Path.Combine(scratch, "e2e.svg"));
        Assert.StartsWith("<svg", svg, StringComparison.Ordinal);
        Assert.Contains("Vote → visible p99 / 2 s goal", svg, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_p99_beyond_the_runs_end_is_a_missed_goal_on_the_chart_not_a_missing_bar()
    {
        // 1,200 accepted, 1,150 seen in the results before the run ended: the p99 lies among the 50 never seen.
        var (exit, _, error) = await ReportAsync(Summary.Replace("\"visibleP99Ms\": 1500", "\"visibleP99Ms\": null, \"visibleSamples\": 1150, \"visibleOf\": 1200", StringComparison.Ordinal));

        Assert.True(exit == 0, error);
        var table = await File.ReadAllTextAsync(Path.Combine(scratch, "e2e.md"));
        Assert.Contains("| Vote → visible in results, p99 (ms) | n/a | goal 2,000 ms | — | ≤ 2,000 ms | no |", table, StringComparison.Ordinal);
        var svg = await File.ReadAllTextAsync(Path.Combine(scratch, "e2e.svg"));
        Assert.Contains("Vote → visible p99 / 2 s goal (beyond run end)", svg, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_summary_missing_a_figure_is_refused_with_one_line()
    {
        var (exit, output, error) = await ReportAsync("""{"accepted": 5}""");

        Assert.Equal(2, exit);
        Assert.Empty(output);
        Assert.StartsWith("report: ", error, StringComparison.Ordinal);
        Assert.Single(error.Trim().Split('\n'));
        Assert.False(File.Exists(Path.Combine(scratch, "e2e.md")));
    }
}
