using System.Globalization;
using Voting.Core.Dedup;

namespace Voting.Deploy.Tests;

/// <summary>bench/capacity/model.py: recomputes the capacity model from the benchmark results, and refuses incomplete ones.</summary>
public sealed class CapacityModelTests : IDisposable
{
    private static readonly string[] ExpectedRows =
    [
        "Ingest per core", "Processor per core", "Results per core", "Ingest nodes", "Processor nodes", "Results nodes",
        "Kafka partitions", "Kafka brokers", "MySQL write load per shard", "MySQL cores per shard", "Merkle log database",
        "Redis gate CPU per vote", "Redis primaries", "Bloom memory", "ClickHouse inserts/s", "First bottleneck",
    ];

    private readonly string scratch = Directory.CreateTempSubdirectory("capacity-model-").FullName;

    public void Dispose() => Directory.Delete(scratch, recursive: true);

    [Fact]
    public async Task The_model_computes_every_figure_from_the_bench_results()
    {
        var table = await RunModelAsync(RepoPaths.BenchResults);

        foreach (var row in ExpectedRows)
        {
            Assert.Contains($"| {row} |", table, StringComparison.Ordinal);
        }

        // Ingest per core is the measured ingest rate: the ingest bench pins its server to one CPU.
        var ingest = await File.ReadAllTextAsync(Path.Combine(RepoPaths.BenchResults, "ingest.md"));
        Assert.Contains("server on CPU 0,", ingest, StringComparison.Ordinal);
        var rate = double.Parse(System.Text.RegularExpressions.Regex.Match(ingest, @"Voting\.Ingest, full load \| (\d+) votes/s").Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.Contains($"| Ingest per core | {rate.ToString("N0", CultureInfo.InvariantCulture)} votes/s |", table, StringComparison.Ordinal);

        // The log database is sized from the best rate its benchmark measured with appenders at once.
        var log = await File.ReadAllTextAsync(Path.Combine(RepoPaths.BenchResults, "log-append.md"));
        var best = System.Text.RegularExpressions.Regex.Matches(log, @"^\| (\d+) \| ([\d,]+) \|", System.Text.RegularExpressions.RegexOptions.Multiline)
            .Select(m => (Appenders: m.Groups[1].Value, Rate: double.Parse(m.Groups[2].Value.Replace(",", "", StringComparison.Ordinal), CultureInfo.InvariantCulture)))
            .MaxBy(r => r.Rate);
        Assert.Contains($"log-append.md: {best.Rate.ToString("N0", CultureInfo.InvariantCulture)} leaves/s with {best.Appenders} appenders at once", table, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bloom_memory_and_Redis_load_follow_the_filter_shape_deploy_k8s_configures()
    {
        var table = await RunModelAsync(RepoPaths.BenchResults);

        var shards = int.Parse(K8sSetting("Voting__BloomFilter__Shards"), CultureInfo.InvariantCulture);
        var bytes = BloomFilterShape.For(50_000_000, 0.0001, shards).TotalBytes;
        Assert.Contains($"({bytes.ToString("N0", CultureInfo.InvariantCulture)} bytes)", table, StringComparison.Ordinal);

        // The Redis CPU a vote costs is the gate bench's figure on a cluster with that many filter
        // shards, and at it one hash tag's share of the peak fits in one core.
        var gate = await File.ReadAllTextAsync(Path.Combine(RepoPaths.BenchResults, "voter-gate.md"));
        var cost = System.Text.RegularExpressions.Regex.Match(gate, $@"^\| cluster, {shards} filter shards \| [\d,]+ \| ([\d.]+) \|", System.Text.RegularExpressions.RegexOptions.Multiline);
        Assert.True(cost.Success, $"voter-gate.md has no cluster row for the {shards} filter shards deploy/k8s sets");
        Assert.Contains($"| Redis gate CPU per vote | {cost.Groups[1].Value} µs |", table, StringComparison.Ordinal);
        var tagLoad = 1_000_000 * 2.0 / shards * double.Parse(cost.Groups[1].Value, CultureInfo.InvariantCulture) / 1e6;
        Assert.Contains($"| Redis load per Bloom hash tag | {tagLoad.ToString("F2", CultureInfo.InvariantCulture)} cores |", table, StringComparison.Ordinal);
        Assert.True(tagLoad <= 1, $"{shards} filter shards leave a hash tag at {tagLoad:F2} cores");
    }

    [Fact]
    public async Task The_committed_table_and_the_k8s_partitions_agree_with_the_model()
    {
        var table = await RunModelAsync(RepoPaths.BenchResults);

        Assert.Equal(table, await File.ReadAllTextAsync(Path.Combine(RepoPaths.Root, "docs", "capacity-model.generated.md")));
        var partitions = K8sSetting("Voting__Kafka__Partitions");
        Assert.Contains($"| Kafka partitions | {partitions} |", table, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_figure_stops_the_model_with_one_clear_line()
    {
        var bench = Directory.CreateDirectory(Path.Combine(scratch, "bench")).FullName;
        foreach (var file in Directory.EnumerateFiles(RepoPaths.BenchResults, "*.md"))
        {
            File.Copy(file, Path.Combine(bench, Path.GetFileName(file)));
        }

        var processor = Path.Combine(bench, "processor.md");
        var lines = await File.ReadAllLinesAsync(processor);
        await File.WriteAllLinesAsync(processor, lines.Where(l => !l.StartsWith("| Voting.Processor draining", StringComparison.Ordinal)));
        var output = Path.Combine(scratch, "table.md");

        var (exitCode, _, error) = await PythonScript.RunAsync(RepoPaths.CapacityScript, "--bench-dir", bench, "--out", output);

        Assert.NotEqual(0, exitCode);
        var message = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("processor.md", message, StringComparison.Ordinal);
        Assert.Contains("Voting.Processor draining", message, StringComparison.Ordinal);
        Assert.False(File.Exists(output));
    }

    private static string K8sSetting(string name) =>
        ManifestSet.LoadDirectory(RepoPaths.K8s).Find("ConfigMap", "voting-config")!.Root.At("data", name).Text()
        ?? throw new InvalidOperationException($"deploy/k8s's voting-config has no {name}");

    private async Task<string> RunModelAsync(string benchDirectory)
    {
        var output = Path.Combine(scratch, "table.md");
        var (exitCode, _, error) = await PythonScript.RunAsync(RepoPaths.CapacityScript, "--bench-dir", benchDirectory, "--out", output);
        Assert.True(exitCode == 0, error);
        return await File.ReadAllTextAsync(output);
    }
}
