namespace Voting.TestSupport;

/// <summary>The checkout the tests run from (the folder holding <c>Voting.sln</c>).</summary>
public static class RepositoryRoot
{
    public static string Path { get; } = Find();

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "Voting.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No Voting.sln above {AppContext.BaseDirectory}.");
    }
}
