using Microsoft.Extensions.Configuration;

namespace Voting.ServiceDefaults;

/// <summary>
/// Every host reads the same files: <c>voting.json</c> (production-shaped defaults) and
/// <c>voting.{Environment}.json</c> (e.g. <c>Local</c>: the 127.0.0.1 stack and Kafka 0.9
/// compatibility), copied beside the binaries from <c>deploy/config/</c>. Environment variables
/// (<c>Voting__Kafka__BootstrapServers</c> …) and the command line still win.
/// </summary>
public static class VotingConfiguration
{
    public static void AddVotingFiles(IConfigurationManager configuration, string environmentName)
    {
        var sources = configuration.Sources.ToList();
        // Insert the shared files just before environment variables / command line so those keep precedence.
        var insertAt = sources.FindIndex(s => s is Microsoft.Extensions.Configuration.EnvironmentVariables.EnvironmentVariablesConfigurationSource
                                                  or Microsoft.Extensions.Configuration.CommandLine.CommandLineConfigurationSource);
        if (insertAt < 0)
        {
            insertAt = sources.Count;
        }

        // Absolute paths: the sources then carry their own file provider instead of the host's content root.
        var files = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "voting.json"), optional: false, reloadOnChange: false)
            .AddJsonFile(Path.Combine(AppContext.BaseDirectory, $"voting.{environmentName}.json"), optional: true, reloadOnChange: false)
            .Sources;
        configuration.Sources.Clear();
        foreach (var source in sources.Take(insertAt).Concat(files).Concat(sources.Skip(insertAt)))
        {
            configuration.Sources.Add(source);
        }
    }

    /// <summary>Configuration for tools and tests that have no host: the same files, then environment variables.</summary>
    public static IConfigurationRoot Build(string environmentName) =>
        new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "voting.json"), optional: false)
            .AddJsonFile(Path.Combine(AppContext.BaseDirectory, $"voting.{environmentName}.json"), optional: true)
            .AddEnvironmentVariables()
            .Build();
}
