namespace Voting.Deploy.Tests;

/// <summary>Paths in the repository the tests run from (found by walking up to Voting.sln).</summary>
internal static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string K8s => Path.Combine(Root, "deploy", "k8s");

    public static string BenchResults => Path.Combine(Root, "bench", "results");

    public static string CapacityScript => Path.Combine(Root, "bench", "capacity", "model.py");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Voting.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No Voting.sln above {AppContext.BaseDirectory}.");
    }
}
